"""The compensation rules: each key's name in the user's language, its unit, whether its rows
are per recipient kind, and (for the open choices) the meaning of each option.

The keys themselves are `engine.Key` (the pure engine computes with them); the values live in
`CompensationRule` rows, shipped in `data/compensation_rules.csv` and entered by two
compensation handlers where the sources leave them unknown. A key not in this catalogue
cannot be loaded or proposed, so a typo fails at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .engine import (
    CHOICES,
    AgeBandDay,
    CitizenshipMonth,
    FirstMonth,
    Key,
    LastMonth,
    MonthAmount,
    RateKind,
    TemporaryStart,
    Transition,
)


class Unit(models.TextChoices):
    EUROS_PER_YEAR = "eur_year", _("euros per person per year")
    EUROS = "eur", _("euros")
    YEARS = "years", _("years")
    YES_NO = "yes_no", _("1 = yes, 0 = no")
    OPTION = "option", _("option number")


class RecipientKind(models.TextChoices):
    ALL = RateKind.ALL, _("every recipient")
    MUNICIPALITY = RateKind.MUNICIPALITY, _("mainland municipality")
    ALAND_MUNICIPALITY = RateKind.ALAND_MUNICIPALITY, _("Åland municipality")
    COUNTY = RateKind.COUNTY, _("wellbeing services county and the City of Helsinki")


_PER_KIND = frozenset({RateKind.MUNICIPALITY, RateKind.ALAND_MUNICIPALITY, RateKind.COUNTY})


@dataclass(frozen=True)
class RuleKind:
    key: Key
    name: Promise
    unit: str
    kinds: frozenset[str] = frozenset({RateKind.ALL})
    options: dict[int, Promise] = field(default_factory=dict)

    @property
    def per_recipient(self) -> bool:
        return self.kinds != frozenset({RateKind.ALL})


OPTION_NAMES: dict[Key, dict[int, Promise]] = {
    Key.MONTH_FIRST: {
        FirstMonth.PERIOD_BEGUN_ON_THE_1ST: _(
            "Paid from the first month on whose 1st day the period has begun"
        ),
        FirstMonth.MONTH_AFTER_START: _(
            "Paid from the month after the month in which the period begins"
        ),
    },
    Key.MONTH_LAST: {
        LastMonth.FIRST_DAY_IN_PERIOD: _("Every month whose 1st day falls within the period"),
        LastMonth.TWELVE_PER_YEAR: _(
            "Twelve monthly payments per year of the period, from the first paid month"
        ),
    },
    Key.MONTH_AGE_BAND: {
        AgeBandDay.AGE_ON_THE_1ST: _("The age on the 1st day of the month"),
        AgeBandDay.BIRTHDAY_MONTH: _("The rate for 7 and over from the month of the 7th birthday"),
    },
    Key.MONTH_CITIZENSHIP: {
        CitizenshipMonth.CITIZEN_ON_THE_1ST: _(
            "Not paid for a month on whose 1st day the person is a Finnish citizen"
        ),
        CitizenshipMonth.CITIZENSHIP_MONTH_UNPAID: _(
            "Not paid for the month in which citizenship is granted either"
        ),
    },
    Key.MONTH_AMOUNT: {
        MonthAmount.YEARLY_DIVIDED_BY_12: _("The yearly rate divided by 12, rounded to the cent"),
        MonthAmount.BY_DAYS: _(
            "The yearly rate times the days of the month divided by the days of the year"
        ),
    },
    Key.TRANSITION_2025: {
        Transition.KEEPS_LENGTH_AT_START: _("The period keeps the length in force when it began"),
        Transition.NEW_LENGTH_FROM_ITS_START: _(
            "The new length applies, counted from the start of the period"
        ),
    },
    Key.TEMPORARY_BEFORE_COVERAGE: {
        TemporaryStart.FROM_REGISTRATION: _(
            "Counted from the registration of the municipality of residence"
        ),
        TemporaryStart.FROM_COVERAGE: _("Counted from 1 March 2023, when coverage began"),
    },
}

_ALL = [
    RuleKind(
        Key.RATE_UNDER_7,
        _("Calculated compensation, person under 7"),
        Unit.EUROS_PER_YEAR,
        _PER_KIND,
    ),
    RuleKind(
        Key.RATE_7_AND_OVER,
        _("Calculated compensation, person aged 7 or over"),
        Unit.EUROS_PER_YEAR,
        _PER_KIND,
    ),
    RuleKind(
        Key.COUNTY_SHARE,
        _("Part of the calculated compensation is paid to the wellbeing services county"),
        Unit.YES_NO,
    ),
    RuleKind(
        Key.COVERAGE_TEMPORARY,
        _("Temporary protection with a municipality of residence is compensated"),
        Unit.YES_NO,
    ),
    RuleKind(
        Key.PERIOD_QUOTA,
        _("Compensation period of a quota refugee, by the day the period began"),
        Unit.YEARS,
    ),
    RuleKind(
        Key.PERIOD_QUOTA_FAMILY,
        _("Compensation period of a quota refugee's reunified family member"),
        Unit.YEARS,
    ),
    RuleKind(
        Key.PERIOD_OTHER,
        _("Compensation period of others (international protection and other grounds)"),
        Unit.YEARS,
    ),
    RuleKind(
        Key.PERIOD_TEMPORARY,
        _("Compensation period under temporary protection"),
        Unit.YEARS,
    ),
    RuleKind(
        Key.START_FIRST_MUNICIPALITY,
        _("The period begins when the first municipality of residence is registered"),
        Unit.YES_NO,
    ),
    RuleKind(
        Key.START_PERMIT,
        _("Without a municipality of residence the period begins with the residence permit"),
        Unit.YES_NO,
    ),
    RuleKind(
        Key.END_CITIZENSHIP, _("Compensation ends when the person becomes a citizen"), Unit.YES_NO
    ),
    RuleKind(
        Key.END_CITIZENSHIP_TRAFFICKING_EXEMPT,
        _("Citizenship does not end the compensation of a victim of trafficking"),
        Unit.YES_NO,
    ),
    RuleKind(
        Key.END_MOVED_ABROAD, _("Compensation ends when the person moves abroad"), Unit.YES_NO
    ),
    RuleKind(Key.END_DEATH, _("Compensation ends when the person dies"), Unit.YES_NO),
    RuleKind(
        Key.MONTH_FIRST,
        _("First month paid"),
        Unit.OPTION,
        options=OPTION_NAMES[Key.MONTH_FIRST],
    ),
    RuleKind(
        Key.MONTH_LAST, _("Last month paid"), Unit.OPTION, options=OPTION_NAMES[Key.MONTH_LAST]
    ),
    RuleKind(
        Key.MONTH_AGE_BAND,
        _("Age band of the month (turning 7)"),
        Unit.OPTION,
        options=OPTION_NAMES[Key.MONTH_AGE_BAND],
    ),
    RuleKind(
        Key.MONTH_CITIZENSHIP,
        _("Month of citizenship"),
        Unit.OPTION,
        options=OPTION_NAMES[Key.MONTH_CITIZENSHIP],
    ),
    RuleKind(
        Key.MONTH_AMOUNT,
        _("Monthly amount from the yearly rate"),
        Unit.OPTION,
        options=OPTION_NAMES[Key.MONTH_AMOUNT],
    ),
    RuleKind(
        Key.TRANSITION_2025,
        _("Periods begun before 1.1.2025"),
        Unit.OPTION,
        options=OPTION_NAMES[Key.TRANSITION_2025],
    ),
    RuleKind(
        Key.TEMPORARY_BEFORE_COVERAGE,
        _("Temporary protection registered before 1.3.2023: start of the period"),
        Unit.OPTION,
        options=OPTION_NAMES[Key.TEMPORARY_BEFORE_COVERAGE],
    ),
    RuleKind(
        Key.COST_INTERPRETING,
        _("Interpreting and translation claimed separately by actual costs"),
        Unit.YES_NO,
    ),
    RuleKind(
        Key.COST_SOCIAL_ASSISTANCE_YEARS,
        _("Social assistance reimbursed for"),
        Unit.YEARS,
        _PER_KIND,
    ),
    RuleKind(
        Key.COST_SOCIAL_ASSISTANCE_KELA_BASIC,
        _("Kela's basic social assistance reimbursed under the Integration Act"),
        Unit.YES_NO,
    ),
    RuleKind(
        Key.COST_SPECIAL_YEARS,
        _("Special social and health care costs reimbursed after the first municipality, for"),
        Unit.YEARS,
    ),
    RuleKind(
        Key.COST_SPECIAL_THRESHOLD,
        _("Special social and health care costs reimbursed above"),
        Unit.EUROS,
    ),
    RuleKind(
        Key.COST_MINORS_YEARS,
        _("Unaccompanied minors' housing and support reimbursed per young person, for"),
        Unit.YEARS,
    ),
    RuleKind(
        Key.COST_PREPAREDNESS,
        _("Preparedness to receive quota refugees reimbursed on the authority's decision"),
        Unit.YES_NO,
    ),
    RuleKind(Key.COST_RETURN_MIGRATION, _("Return-migration assistance reimbursed"), Unit.YES_NO),
    RuleKind(
        Key.COST_TRAFFICKING,
        _("Services for victims of trafficking reimbursed"),
        Unit.YES_NO,
    ),
    RuleKind(
        Key.CLAIM_DEADLINE_YEARS,
        _("Actual-cost claims filed after the end of the calendar year, within"),
        Unit.YEARS,
    ),
]

RULES: dict[str, RuleKind] = {str(rule.key): rule for rule in _ALL}
assert set(RULES) == {str(k) for k in Key}, "every engine key has a catalogue entry"
assert all(set(RULES[str(k)].options) == set(CHOICES[k]) for k in CHOICES)


def rule_kind(key: str) -> RuleKind:
    try:
        return RULES[key]
    except KeyError:
        raise KeyError(
            f"no such compensation rule: {key!r} (see compensation/catalogue.py)"
        ) from None


def rule_name(key: str, kind: str = "") -> str:
    """The rule's name in the user's language, with the recipient kind when it has one."""
    name = str(RULES[key].name) if key in RULES else key
    if kind:
        return f"{name} ({RecipientKind(kind).label})"
    return name
