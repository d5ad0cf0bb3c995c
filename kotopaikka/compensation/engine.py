"""The calculated-compensation engine: pure Python, no Django, no database.

For one month it takes each person's dated facts (`PersonFacts`), the municipalities
(`MunicipalityInfo`) and the dated rule rows (`RuleSet`), and returns every eligible
person-month (`PersonMonth`: recipient municipality on the 1st of the month, wellbeing
services county, age band, the share of each recipient, the ids of the rule and rate rows
used, and whether any of them is provisional) and, for every person left out, why
(`LeftOut`).

Facts are read on the **1st day of the month** (the month is paid "to the municipality where
the person is resident on the first day of the month", old Act, kotouttaminen.fi; an event
dated on the 1st has happened on the 1st). Everything the sources leave open is one named
choice (`Choice`), a dated rule row like any other. A choice nobody has entered yet is not
guessed: the engine tries each of its options, and only when the options give different
results for the person-month is the month refused (`MissingRule`). So an unset rule blocks
exactly the months it would change. docs/compensation.md explains every rule and option.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum, StrEnum

from kotopaikka.rules.dated import add_years, age_on, in_force

CENT = Decimal("0.01")


class Key(StrEnum):
    """The compensation rules (names and units in `compensation.catalogue`)."""

    RATE_UNDER_7 = "compensation.rate.under_7"
    RATE_7_AND_OVER = "compensation.rate.7_and_over"
    COUNTY_SHARE = "compensation.county_share"
    COVERAGE_TEMPORARY = "compensation.coverage.temporary_protection"
    PERIOD_QUOTA = "compensation.period.quota_refugee"
    PERIOD_QUOTA_FAMILY = "compensation.period.quota_family_member"
    PERIOD_OTHER = "compensation.period.other"
    PERIOD_TEMPORARY = "compensation.period.temporary_protection"
    START_FIRST_MUNICIPALITY = "compensation.start.first_municipality"
    START_PERMIT = "compensation.start.permit_without_municipality"
    END_CITIZENSHIP = "compensation.end.citizenship"
    END_CITIZENSHIP_TRAFFICKING_EXEMPT = "compensation.end.citizenship_trafficking_exempt"
    END_MOVED_ABROAD = "compensation.end.moved_abroad"
    END_DEATH = "compensation.end.death"
    # the open questions: one choice each (options below)
    MONTH_FIRST = "compensation.month.first_month"
    MONTH_LAST = "compensation.month.last_month"
    MONTH_AGE_BAND = "compensation.month.age_band"
    MONTH_CITIZENSHIP = "compensation.month.citizenship"
    MONTH_AMOUNT = "compensation.month.amount"
    TRANSITION_2025 = "compensation.transition.period_begun_before_2025"
    TEMPORARY_BEFORE_COVERAGE = "compensation.temporary_protection.registered_before_coverage"
    # actual-cost categories (used by claims; the engine of calculated compensation does not)
    COST_INTERPRETING = "compensation.cost.interpreting"
    COST_SOCIAL_ASSISTANCE_YEARS = "compensation.cost.social_assistance.years"
    COST_SOCIAL_ASSISTANCE_KELA_BASIC = "compensation.cost.social_assistance.kela_basic"
    COST_SPECIAL_YEARS = "compensation.cost.special.years"
    COST_SPECIAL_THRESHOLD = "compensation.cost.special.threshold"
    COST_MINORS_YEARS = "compensation.cost.unaccompanied_minors.years"
    COST_PREPAREDNESS = "compensation.cost.preparedness"
    COST_RETURN_MIGRATION = "compensation.cost.return_migration"
    COST_TRAFFICKING = "compensation.cost.trafficking_victims"
    CLAIM_DEADLINE_YEARS = "compensation.claim.deadline_years_after_year_end"


class RateKind(StrEnum):
    """Whose rate a rate row is. The City of Helsinki is paid both the municipality rate and
    the county rate ("wellbeing services counties and the City of Helsinki")."""

    ALL = ""  # rules that do not depend on the recipient
    MUNICIPALITY = "municipality"  # mainland municipalities
    ALAND_MUNICIPALITY = "aland_municipality"
    COUNTY = "county"  # wellbeing services counties and the City of Helsinki


class Part(StrEnum):
    MUNICIPALITY = "municipality"
    COUNTY = "county"


class PayeeKind(StrEnum):
    MUNICIPALITY = "municipality"
    WELLBEING_COUNTY = "wellbeing_county"


class Group(StrEnum):
    """The person's group under the Integration Act, as far as compensation is concerned."""

    QUOTA_REFUGEE = "quota_refugee"
    QUOTA_FAMILY_MEMBER = "quota_family_member"  # came through family reunification
    INTERNATIONAL_PROTECTION = "international_protection"  # asylum, subsidiary protection
    FAMILY_MEMBER = "family_member"  # of a person in another covered group
    OTHER_COVERED = "other_covered"  # §2(2)–(3): humanitarian, §51, §52, §52a, §89, §93
    TEMPORARY_PROTECTION = "temporary_protection"
    NOT_COVERED = "not_covered"


PERIOD_KEY = {
    Group.QUOTA_REFUGEE: Key.PERIOD_QUOTA,
    Group.QUOTA_FAMILY_MEMBER: Key.PERIOD_QUOTA_FAMILY,
    Group.INTERNATIONAL_PROTECTION: Key.PERIOD_OTHER,
    Group.FAMILY_MEMBER: Key.PERIOD_OTHER,
    Group.OTHER_COVERED: Key.PERIOD_OTHER,
    Group.TEMPORARY_PROTECTION: Key.PERIOD_TEMPORARY,
}


class AgeBand(StrEnum):
    UNDER_7 = "under_7"
    SEVEN_AND_OVER = "7_and_over"


# -- the open choices: each option's meaning is in docs/compensation.md -----------------------


class FirstMonth(IntEnum):
    PERIOD_BEGUN_ON_THE_1ST = 1  # paid from the first month on whose 1st the period has begun
    MONTH_AFTER_START = 2  # paid from the month after the month in which the period begins


class LastMonth(IntEnum):
    FIRST_DAY_IN_PERIOD = 1  # every month whose 1st falls within the period
    TWELVE_PER_YEAR = 2  # 12 × years monthly payments from the first paid month


class AgeBandDay(IntEnum):
    AGE_ON_THE_1ST = 1  # the 7+ rate from the month after the 7th birthday (unless on the 1st)
    BIRTHDAY_MONTH = 2  # the 7+ rate from the month of the 7th birthday


class CitizenshipMonth(IntEnum):
    CITIZEN_ON_THE_1ST = 1  # not paid for a month on whose 1st the person is a citizen
    CITIZENSHIP_MONTH_UNPAID = 2  # nor for the month in which citizenship is granted


class MonthAmount(IntEnum):
    YEARLY_DIVIDED_BY_12 = 1  # yearly rate / 12, rounded to the cent (half up)
    BY_DAYS = 2  # yearly rate × days of the month / days of the year, rounded to the cent


class Transition(IntEnum):
    KEEPS_LENGTH_AT_START = 1  # a period begun before the new Act keeps its old length
    NEW_LENGTH_FROM_ITS_START = 2  # the new length applies, counted from the period's start


class TemporaryStart(IntEnum):
    FROM_REGISTRATION = 1  # registered before coverage began: counted from the registration
    FROM_COVERAGE = 2  # counted from the day coverage began (1.3.2023)


CHOICES: dict[Key, type[IntEnum]] = {
    Key.MONTH_FIRST: FirstMonth,
    Key.MONTH_LAST: LastMonth,
    Key.MONTH_AGE_BAND: AgeBandDay,
    Key.MONTH_CITIZENSHIP: CitizenshipMonth,
    Key.MONTH_AMOUNT: MonthAmount,
    Key.TRANSITION_2025: Transition,
    Key.TEMPORARY_BEFORE_COVERAGE: TemporaryStart,
}


class Reason(StrEnum):
    """Why a person is left out of a month."""

    NOT_COVERED = "not_covered"  # the group is not in the Act's scope
    DEAD = "dead"
    MOVED_ABROAD = "moved_abroad"
    CITIZEN = "citizen"
    NO_PERIOD_START = "no_period_start"  # neither a municipality of residence nor a permit
    TEMPORARY_WITHOUT_MUNICIPALITY = "temporary_without_municipality"
    NOT_YET_COVERED = "not_yet_covered"  # temporary protection before 1.3.2023
    PERIOD_NOT_BEGUN = "period_not_begun"
    PERIOD_ENDED = "period_ended"
    NO_MUNICIPALITY = (
        "no_municipality"  # no municipality of residence on the 1st: claimed separately
    )
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    NO_DATE_OF_BIRTH = "no_date_of_birth"
    MISSING_RULE = "missing_rule"


# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    """One dated rule row (a `CompensationRule`): `value` None while nobody has entered it."""

    id: int
    key: str
    valid_from: dt.date
    valid_until: dt.date | None
    value: Decimal | None
    kind: str = RateKind.ALL
    provisional: bool = False


@dataclass(frozen=True)
class Residence:
    """A municipality of residence from `since` to `until` (inclusive; None: still)."""

    municipality_code: str
    since: dt.date
    until: dt.date | None = None


@dataclass(frozen=True)
class MunicipalityInfo:
    code: str
    county_code: str | None  # None on Åland (no wellbeing services county)
    aland: bool = False
    city_is_county: bool = False  # the City of Helsinki organises the county's services


@dataclass(frozen=True)
class PersonFacts:
    person_id: str
    group: Group
    date_of_birth: dt.date | None
    residences: tuple[Residence, ...] = ()
    first_municipality_on: dt.date | None = None
    residence_permit_on: dt.date | None = None
    citizen_on: dt.date | None = None
    trafficking_victim: bool = False
    moved_abroad_on: dt.date | None = None
    died_on: dt.date | None = None


class RuleSet:
    """Every rule row, indexed by (key, kind), for lookups by day without a query."""

    def __init__(self, rows: Iterable[RuleRow]):
        self._rows: dict[tuple[str, str], list[RuleRow]] = {}
        for row in rows:
            self._rows.setdefault((str(row.key), str(row.kind)), []).append(row)

    def row(self, key: Key, on: dt.date, kind: str = RateKind.ALL) -> RuleRow | None:
        return in_force(self._rows.get((str(key), str(kind)), ()), on)

    def rows(self, key: Key, kind: str = RateKind.ALL) -> list[RuleRow]:
        return sorted(self._rows.get((str(key), str(kind)), ()), key=lambda r: r.valid_from)


# -- outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class MissingRule:
    """A rule that has no value on `on` (no row covers the day, or the row is unset)."""

    key: str
    on: dt.date
    kind: str = RateKind.ALL


@dataclass(frozen=True)
class Recipient:
    kind: PayeeKind
    code: str


@dataclass(frozen=True)
class Share:
    part: Part
    recipient: Recipient
    rate_kind: RateKind
    yearly_rate: Decimal
    amount: Decimal
    rate_row_id: int


@dataclass(frozen=True)
class PersonMonth:
    person_id: str
    month: dt.date
    municipality_code: str
    county_code: str | None
    age_band: AgeBand
    period_start: dt.date
    period_end: dt.date
    shares: tuple[Share, ...]
    rule_ids: tuple[int, ...]  # every rule row consulted, rates included
    rate_row_ids: tuple[int, ...]
    provisional: bool

    @property
    def amount(self) -> Decimal:
        return sum((s.amount for s in self.shares), Decimal("0.00"))


@dataclass(frozen=True)
class LeftOut:
    person_id: str
    month: dt.date
    reason: Reason
    rule_ids: tuple[int, ...] = ()
    missing: tuple[MissingRule, ...] = ()
    period_end: dt.date | None = None


@dataclass(frozen=True)
class MonthResult:
    month: dt.date
    lines: tuple[PersonMonth, ...]
    left_out: tuple[LeftOut, ...]

    @property
    def missing(self) -> tuple[MissingRule, ...]:
        return tuple(sorted({m for out in self.left_out for m in out.missing}))

    @property
    def provisional(self) -> bool:
        return any(line.provisional for line in self.lines)

    def totals(self) -> dict[Recipient, Decimal]:
        """The month's amount per recipient."""
        totals: dict[Recipient, Decimal] = {}
        for line in self.lines:
            for share in line.shares:
                totals[share.recipient] = (
                    totals.get(share.recipient, Decimal("0.00")) + share.amount
                )
        return totals


class MonthRefused(Exception):
    """The month cannot be paid: rules it needs have no value. Nothing is paid."""

    def __init__(self, month: dt.date, missing: Sequence[MissingRule]):
        self.month, self.missing = month, tuple(missing)
        names = ", ".join(
            f"{m.key}{f' ({m.kind})' if m.kind else ''} on {m.on:%d.%m.%Y}" for m in self.missing
        )
        super().__init__(f"{month:%m/%Y} cannot be computed: no value for {names}")


# -- the calculation --------------------------------------------------------------------------


class _Missing(Exception):
    def __init__(self, *missing: MissingRule):
        self.missing = missing


@dataclass
class _Trace:
    """The rule rows one evaluation consulted."""

    rows: dict[int, RuleRow] = field(default_factory=dict)

    def use(self, row: RuleRow) -> RuleRow:
        self.rows[row.id] = row
        return row


@dataclass(frozen=True)
class MonthRules:
    """The open choices in force on the month's 1st: each a rule row, or None if unset."""

    first_month: RuleRow | None
    last_month: RuleRow | None
    age_band: RuleRow | None
    citizenship: RuleRow | None
    amount: RuleRow | None
    transition: RuleRow | None
    temporary_before_coverage: RuleRow | None

    @classmethod
    def on(cls, rules: RuleSet, day: dt.date) -> MonthRules:
        return cls(
            *(
                rules.row(key, day)
                for key in (
                    Key.MONTH_FIRST,
                    Key.MONTH_LAST,
                    Key.MONTH_AGE_BAND,
                    Key.MONTH_CITIZENSHIP,
                    Key.MONTH_AMOUNT,
                    Key.TRANSITION_2025,
                    Key.TEMPORARY_BEFORE_COVERAGE,
                )
            )
        )

    def by_key(self) -> dict[Key, RuleRow | None]:
        return dict(zip(CHOICES, (getattr(self, f) for f in _CHOICE_FIELDS), strict=True))


_CHOICE_FIELDS = (
    "first_month",
    "last_month",
    "age_band",
    "citizenship",
    "amount",
    "transition",
    "temporary_before_coverage",
)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The 1st of the month `months` after `day`'s month."""
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def _value(rules: RuleSet, trace: _Trace, key: Key, on: dt.date, kind: str = "") -> Decimal:
    row = rules.row(key, on, kind)
    if row is None or row.value is None:
        raise _Missing(MissingRule(str(key), on, str(kind)))
    return trace.use(row).value


def _yes(rules: RuleSet, trace: _Trace, key: Key, on: dt.date) -> bool:
    return _value(rules, trace, key, on) == 1


def _residence_on(facts: PersonFacts, day: dt.date) -> Residence | None:
    covering = [
        r for r in facts.residences if r.since <= day and (r.until is None or day <= r.until)
    ]
    return max(covering, key=lambda r: r.since, default=None)  # a move on the 1st wins


def _coverage_start(rules: RuleSet, trace: _Trace, after: dt.date) -> dt.date | None:
    """The first day on or after `after` on which temporary protection is covered."""
    for row in rules.rows(Key.COVERAGE_TEMPORARY):
        if row.value == 1 and (row.valid_until is None or row.valid_until >= after):
            trace.use(row)
            return max(row.valid_from, after)
    return None


def _period(
    facts: PersonFacts,
    start: dt.date,
    day: dt.date,
    rules: RuleSet,
    trace: _Trace,
    choice: dict[Key, int],
) -> tuple[dt.date, dt.date, int]:
    """The person's compensation period: its first and last day, and its length in years."""
    key = PERIOD_KEY[facts.group]
    counted_from = start
    if facts.group is Group.TEMPORARY_PROTECTION:
        coverage = _coverage_start(rules, trace, start)
        if coverage is not None and coverage > start:
            if choice[Key.TEMPORARY_BEFORE_COVERAGE] == TemporaryStart.FROM_COVERAGE:
                counted_from = coverage
            start_row = rules.row(key, coverage)
        else:
            start_row = rules.row(key, start)
    else:
        start_row = rules.row(key, start)
    if start_row is None or start_row.value is None:
        raise _Missing(MissingRule(str(key), start))
    years = int(trace.use(start_row).value)
    now_row = rules.row(key, day)
    changed = now_row is not None and now_row.id != start_row.id  # the law changed mid-period
    if changed and choice[Key.TRANSITION_2025] == Transition.NEW_LENGTH_FROM_ITS_START:
        if now_row.value is None:
            raise _Missing(MissingRule(str(key), day))
        years = int(trace.use(now_row).value)
    return counted_from, add_years(counted_from, years) - dt.timedelta(days=1), years


def _in_period(
    first: dt.date, last: dt.date, years: int, day: dt.date, choice: dict[Key, int]
) -> str:
    """'before', 'in' or 'after' the paid months."""
    if choice[Key.MONTH_FIRST] == FirstMonth.PERIOD_BEGUN_ON_THE_1ST:
        first_paid = first if first.day == 1 else add_months(first, 1)
    else:
        first_paid = add_months(first, 1)
    if day < first_paid:
        return "before"
    if choice[Key.MONTH_LAST] == LastMonth.FIRST_DAY_IN_PERIOD:
        return "in" if day <= last else "after"
    return "in" if day < add_months(first_paid, 12 * years) else "after"


def _age_band(birth: dt.date, day: dt.date, choice: dict[Key, int]) -> AgeBand:
    if choice[Key.MONTH_AGE_BAND] == AgeBandDay.BIRTHDAY_MONTH:
        on = add_months(day, 1) - dt.timedelta(days=1)  # the month's last day
    else:
        on = day
    return AgeBand.UNDER_7 if age_on(birth, on) < 7 else AgeBand.SEVEN_AND_OVER


def _amount(yearly: Decimal, day: dt.date, choice: dict[Key, int]) -> Decimal:
    if choice[Key.MONTH_AMOUNT] == MonthAmount.BY_DAYS:
        days = (add_months(day, 1) - day).days
        year_days = (dt.date(day.year + 1, 1, 1) - dt.date(day.year, 1, 1)).days
        return (yearly * days / year_days).quantize(CENT, ROUND_HALF_UP)
    return (yearly / 12).quantize(CENT, ROUND_HALF_UP)


def _evaluate(
    facts: PersonFacts,
    day: dt.date,
    rules: RuleSet,
    municipalities: dict[str, MunicipalityInfo],
    choice: dict[Key, int],
) -> PersonMonth | LeftOut:
    """One person-month under one assignment of the open choices."""
    trace = _Trace()

    def out(reason: Reason, period_end: dt.date | None = None) -> LeftOut:
        return LeftOut(facts.person_id, day, reason, tuple(sorted(trace.rows)), (), period_end)

    if facts.group is Group.NOT_COVERED:
        return out(Reason.NOT_COVERED)
    if (
        facts.died_on is not None
        and facts.died_on <= day
        and _yes(rules, trace, Key.END_DEATH, day)
    ):
        return out(Reason.DEAD)
    if (
        facts.moved_abroad_on is not None
        and facts.moved_abroad_on <= day
        and _yes(rules, trace, Key.END_MOVED_ABROAD, day)
    ):
        return out(Reason.MOVED_ABROAD)
    if facts.citizen_on is not None:
        if choice[Key.MONTH_CITIZENSHIP] == CitizenshipMonth.CITIZENSHIP_MONTH_UNPAID:
            citizen = facts.citizen_on < add_months(day, 1)
        else:
            citizen = facts.citizen_on <= day
        if (
            citizen
            and _yes(rules, trace, Key.END_CITIZENSHIP, day)
            and not (
                facts.trafficking_victim
                and _yes(rules, trace, Key.END_CITIZENSHIP_TRAFFICKING_EXEMPT, day)
            )
        ):
            return out(Reason.CITIZEN)
    temporary = facts.group is Group.TEMPORARY_PROTECTION
    if facts.first_municipality_on is not None and _yes(
        rules, trace, Key.START_FIRST_MUNICIPALITY, facts.first_municipality_on
    ):
        start = facts.first_municipality_on
    elif temporary:
        return out(Reason.TEMPORARY_WITHOUT_MUNICIPALITY)
    elif facts.residence_permit_on is not None and _yes(
        rules, trace, Key.START_PERMIT, facts.residence_permit_on
    ):
        start = facts.residence_permit_on
    else:
        return out(Reason.NO_PERIOD_START)
    if temporary and not _yes(rules, trace, Key.COVERAGE_TEMPORARY, day):
        return out(Reason.NOT_YET_COVERED)
    first, last, years = _period(facts, start, day, rules, trace, choice)
    where = _in_period(first, last, years, day, choice)
    if where == "before":
        return out(Reason.PERIOD_NOT_BEGUN, last)
    if where == "after":
        return out(Reason.PERIOD_ENDED, last)
    residence = _residence_on(facts, day)
    if residence is None:
        return out(Reason.NO_MUNICIPALITY, last)
    municipality = municipalities.get(residence.municipality_code)
    if municipality is None:
        return out(Reason.UNKNOWN_MUNICIPALITY, last)
    if facts.date_of_birth is None:
        return out(Reason.NO_DATE_OF_BIRTH, last)
    band = _age_band(facts.date_of_birth, day, choice)
    rate_key = Key.RATE_UNDER_7 if band is AgeBand.UNDER_7 else Key.RATE_7_AND_OVER
    parts: list[tuple[Part, RateKind, Recipient]] = []
    own = Recipient(PayeeKind.MUNICIPALITY, municipality.code)
    if municipality.aland:
        parts.append((Part.MUNICIPALITY, RateKind.ALAND_MUNICIPALITY, own))
    else:
        parts.append((Part.MUNICIPALITY, RateKind.MUNICIPALITY, own))
        if _yes(rules, trace, Key.COUNTY_SHARE, day):
            county = (
                own
                if municipality.city_is_county or municipality.county_code is None
                else Recipient(PayeeKind.WELLBEING_COUNTY, municipality.county_code)
            )
            parts.append((Part.COUNTY, RateKind.COUNTY, county))
    shares, missing = [], []
    for part, kind, recipient in parts:
        row = rules.row(rate_key, day, kind)
        if row is None or row.value is None:
            missing.append(MissingRule(str(rate_key), day, str(kind)))
            continue
        trace.use(row)
        shares.append(
            Share(part, recipient, kind, row.value, _amount(row.value, day, choice), row.id)
        )
    if missing:
        raise _Missing(*missing)
    return PersonMonth(
        person_id=facts.person_id,
        month=day,
        municipality_code=municipality.code,
        county_code=municipality.county_code,
        age_band=band,
        period_start=first,
        period_end=last,
        shares=tuple(shares),
        rule_ids=tuple(sorted(trace.rows)),
        rate_row_ids=tuple(s.rate_row_id for s in shares),
        provisional=any(r.provisional for r in trace.rows.values()),
    )


def _same(a: PersonMonth | LeftOut, b: PersonMonth | LeftOut) -> bool:
    """Do two evaluations give the same result (ignoring which rows were consulted)?"""
    if isinstance(a, LeftOut) or isinstance(b, LeftOut):
        return isinstance(a, LeftOut) and isinstance(b, LeftOut) and a.reason == b.reason
    return a.shares == b.shares and a.age_band == b.age_band


def person_month(
    facts: PersonFacts,
    month: dt.date,
    rules: RuleSet,
    municipalities: dict[str, MunicipalityInfo],
    month_rules: MonthRules | None = None,
) -> PersonMonth | LeftOut:
    """The person's result for `month`. The open choices that are set are used; those that
    are not are tried with each option, and if the options disagree the person-month is left
    out as MISSING_RULE naming them."""
    day = first_of_month(month)
    month_rules = month_rules or MonthRules.on(rules, day)
    set_rows = {
        k: r for k, r in month_rules.by_key().items() if r is not None and r.value is not None
    }
    fixed = {k: int(r.value) for k, r in set_rows.items()}
    open_keys = [k for k in CHOICES if k not in fixed]
    results: list[tuple[dict[Key, int], PersonMonth | LeftOut]] = []
    missing: set[MissingRule] = set()
    for options in itertools.product(*(list(CHOICES[k]) for k in open_keys)):
        choice = {**fixed, **dict(zip(open_keys, options, strict=True))}
        try:
            results.append((choice, _evaluate(facts, day, rules, municipalities, choice)))
        except _Missing as exc:
            missing.update(exc.missing)
    if not missing:
        for key in open_keys:  # an unset choice matters if changing it alone changes the result
            for choice, result in results:
                for other_choice, other in results:
                    if all(choice[k] == other_choice[k] for k in choice if k != key) and not _same(
                        result, other
                    ):
                        missing.add(MissingRule(str(key), day))
    if missing:
        return LeftOut(facts.person_id, day, Reason.MISSING_RULE, missing=tuple(sorted(missing)))
    result = results[0][1]
    used = {r.id: r for r in set_rows.values()}  # the set choices are part of every result
    ids = tuple(sorted({*result.rule_ids, *used}))
    if isinstance(result, LeftOut):
        return replace(result, rule_ids=ids)
    return replace(
        result,
        rule_ids=ids,
        provisional=result.provisional or any(r.provisional for r in used.values()),
    )


def calculate_month(
    month: dt.date,
    persons: Iterable[PersonFacts],
    rules: RuleSet,
    municipalities: dict[str, MunicipalityInfo],
) -> MonthResult:
    """Every person's result for the month: eligible person-months and who is left out why."""
    day = first_of_month(month)
    month_rules = MonthRules.on(rules, day)
    lines, left_out = [], []
    for facts in persons:
        result = person_month(facts, day, rules, municipalities, month_rules)
        (left_out if isinstance(result, LeftOut) else lines).append(result)
    return MonthResult(day, tuple(lines), tuple(left_out))


def payable_month(
    month: dt.date,
    persons: Iterable[PersonFacts],
    rules: RuleSet,
    municipalities: dict[str, MunicipalityInfo],
) -> MonthResult:
    """As `calculate_month`, but a month that needs an unset rule is refused as a whole
    (`MonthRefused`, naming every missing rule): nothing of it is paid."""
    result = calculate_month(month, persons, rules, municipalities)
    if result.missing:
        raise MonthRefused(result.month, result.missing)
    return result


# -- unaccompanied minors' support age limit (for actual-cost claims) ------------------------


AGE_LIMIT_KEY = "integration.unaccompanied.support_age_limit"  # a rules.LegalRule key


@dataclass(frozen=True)
class MinorLimit:
    """Whether a young person is within the support age limit in force on `day`."""

    within: bool
    age: int
    age_limit: int
    rule_id: int


def minor_support_within_limit(
    birth: dt.date, day: dt.date, age_limits: Sequence[RuleRow]
) -> MinorLimit:
    """Is support on `day` within the age limit in force that day (21 until 14.7.2020, 25 from
    15.7.2020, 23 from 1.7.2024: `rules.LegalRule` rows of
    `integration.unaccompanied.support_age_limit`)? The limit is the one in force on the day
    the cost arises, so a 22-year-old could be supported again from 15.7.2020 and a
    24-year-old no longer from 1.7.2024."""
    row = in_force(age_limits, day)
    if row is None or row.value is None:
        raise MonthRefused(day, [MissingRule(AGE_LIMIT_KEY, day)])
    age, limit = age_on(birth, day), int(row.value)
    return MinorLimit(age < limit, age, limit, row.id)
