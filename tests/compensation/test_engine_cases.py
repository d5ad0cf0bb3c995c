"""The calculated-compensation engine, as readable cases: a person's facts, a month, and the
euros each recipient gets (or why the person is left out).

Recipients: a municipality by its code ("837" Tampere, "091" Helsinki, "478" Mariehamn), a
wellbeing services county as "county 08". Monthly amounts are the yearly rate / 12 to the
cent (the month rule entered in `ENTERED`): 2,300 → 191.67, 6,845 → 570.42 (2012–2022);
1,955 → 162.92, 6,503 → 541.92, county 345 → 28.75, 342 → 28.50 (2023–2024). The 2025 rates
are unknown; the new-Act cases use the demo's PROVISIONAL rates (1,500 → 125.00, 5,000 →
416.67, county 300 → 25.00, Åland 1,800 → 150.00) and must come out marked provisional.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from kotopaikka.compensation.engine import (
    Group,
    Key,
    LeftOut,
    MonthRefused,
    PayeeKind,
    PersonFacts,
    PersonMonth,
    Reason,
    RuleSet,
    calculate_month,
    payable_month,
    person_month,
)

from .rulesets import DEMO, DEMO_ROWS, ENTERED, MUNICIPALITIES, SHIPPED, d, person, without

Q, QF = Group.QUOTA_REFUGEE, Group.QUOTA_FAMILY_MEMBER
ASYLUM, FAMILY = Group.INTERNATIONAL_PROTECTION, Group.FAMILY_MEMBER
TP, OTHER = Group.TEMPORARY_PROTECTION, Group.OTHER_COVERED


@dataclass(frozen=True)
class Case:
    name: str
    person: PersonFacts
    month: str  # "YYYY-MM"
    expected: dict[str, str] | Reason
    rules: RuleSet = ENTERED
    provisional: bool = False

    def __str__(self) -> str:
        return self.name


# the persons, each used in several months
quota_2016 = person(Q, "1985-04-10", lives=(("837", "2016-03-15"),))
asylum_2019 = person(ASYLUM, "1990-01-01", lives=(("853", "2019-06-01"),))
asylum_2021 = person(ASYLUM, "1995-05-05", lives=(("837", "2021-09-20"),))
child_2022 = person(FAMILY, "2020-02-01", lives=(("837", "2022-01-10"),))
helsinki = person(ASYLUM, "1992-03-03", lives=(("091", "2021-11-11"),))
helsinki_child = person(FAMILY, "2019-12-12", lives=(("091", "2022-02-02"),))
aland = person(ASYLUM, "1980-06-06", lives=(("478", "2020-10-10"),))
aland_child = person(FAMILY, "2021-07-07", lives=(("478", "2022-03-03"),))
moves_on_1st = person(ASYLUM, "1988-08-08", lives=(("837", "2021-01-10"), ("853", "2023-05-01")))
moves_on_2nd = person(ASYLUM, "1988-08-08", lives=(("837", "2021-01-10"), ("853", "2023-05-02")))
becomes_citizen = person(ASYLUM, "1984-02-02", lives=(("049", "2020-02-10"),), citizen="2022-06-15")
citizen_on_1st = person(ASYLUM, "1984-02-02", lives=(("049", "2020-02-10"),), citizen="2022-06-01")
trafficked_citizen = person(
    OTHER, "1999-09-09", lives=(("049", "2020-02-10"),), citizen="2022-06-15", trafficking=True
)
permit_only = person(ASYLUM, "1991-01-01", permit="2021-03-01")
permit_then_home = person(ASYLUM, "1991-01-01", permit="2020-01-10", lives=(("853", "2020-05-05"),))
tp_2023 = person(TP, "1979-03-03", lives=(("179", "2023-04-12"),))
tp_no_home = person(TP, "1979-03-03", permit="2022-04-01")
tp_early = person(TP, "1982-11-11", lives=(("179", "2022-11-10"),))
quota_family = person(QF, "2005-05-05", lives=(("853", "2018-08-20"),))
asylum_family = person(FAMILY, "2005-05-05", lives=(("853", "2018-08-20"),))
turns_7 = person(FAMILY, "2016-05-15", lives=(("837", "2021-10-05"),))
new_asylum = person(ASYLUM, "1996-06-16", lives=(("837", "2025-03-10"),))
new_quota = person(Q, "1970-07-07", lives=(("853", "2025-02-20"),))
new_helsinki_child = person(FAMILY, "2022-01-01", lives=(("091", "2025-01-15"),))
new_aland = person(ASYLUM, "1990-09-09", lives=(("478", "2025-05-05"),))
new_quota_family = person(QF, "2010-10-10", lives=(("837", "2025-04-04"),))
across_2025 = person(ASYLUM, "1993-03-13", lives=(("837", "2023-06-10"),))
died = person(ASYLUM, "1950-01-01", lives=(("837", "2022-01-10"),), died="2023-02-14")
abroad = person(ASYLUM, "1987-07-07", lives=(("837", "2022-01-10"),), abroad="2023-03-20")

CASES = [
    # a full old-Act period of a quota refugee: 4 years from 15.3.2016, i.e. to 14.3.2020
    Case(
        "quota: registered on the 15th, not paid that month",
        quota_2016,
        "2016-03",
        Reason.PERIOD_NOT_BEGUN,
    ),
    Case("quota: first month", quota_2016, "2016-04", {"837": "191.67"}),
    Case("quota: mid-period", quota_2016, "2018-07", {"837": "191.67"}),
    Case("quota: last month (1.3.2020 is in the period)", quota_2016, "2020-03", {"837": "191.67"}),
    Case("quota: after four years", quota_2016, "2020-04", Reason.PERIOD_ENDED),
    # a full old-Act period of an asylum recipient: 3 years from 1.6.2019
    Case(
        "asylum: registered on the 1st, paid that month", asylum_2019, "2019-06", {"853": "191.67"}
    ),
    Case("asylum: the month before", asylum_2019, "2019-05", Reason.PERIOD_NOT_BEGUN),
    Case("asylum: last month", asylum_2019, "2022-05", {"853": "191.67"}),
    Case("asylum: after three years", asylum_2019, "2022-06", Reason.PERIOD_ENDED),
    # the 2023 split between municipality and county
    Case(
        "split: December 2022, all to the municipality", asylum_2021, "2022-12", {"837": "191.67"}
    ),
    Case("split: January 2023", asylum_2021, "2023-01", {"837": "162.92", "county 08": "28.75"}),
    Case(
        "split: last month of the period",
        asylum_2021,
        "2024-09",
        {"837": "162.92", "county 08": "28.75"},
    ),
    Case("split: after the period", asylum_2021, "2024-10", Reason.PERIOD_ENDED),
    Case("split: child under 7", child_2022, "2023-05", {"837": "541.92", "county 08": "28.50"}),
    # the City of Helsinki receives both shares
    Case("Helsinki: both shares, 162.92 + 28.75", helsinki, "2023-06", {"091": "191.67"}),
    Case("Helsinki: child, 541.92 + 28.50", helsinki_child, "2024-02", {"091": "570.42"}),
    Case("Helsinki: before the split", helsinki, "2022-06", {"091": "191.67"}),
    # Åland: the whole rate to the municipality, no county
    Case("Åland: adult 2023", aland, "2023-04", {"478": "191.67"}),
    Case("Åland: child 2024", aland_child, "2024-01", {"478": "570.42"}),
    Case("Åland: adult 2021", aland, "2021-02", {"478": "191.67"}),
    # a move between municipalities on and after the 1st of a month
    Case(
        "move on the 1st: the new municipality",
        moves_on_1st,
        "2023-05",
        {"853": "162.92", "county 05": "28.75"},
    ),
    Case(
        "move on the 1st: the month before",
        moves_on_1st,
        "2023-04",
        {"837": "162.92", "county 08": "28.75"},
    ),
    Case(
        "move on the 2nd: still the old one",
        moves_on_2nd,
        "2023-05",
        {"837": "162.92", "county 08": "28.75"},
    ),
    Case(
        "move on the 2nd: the new one next month",
        moves_on_2nd,
        "2023-06",
        {"853": "162.92", "county 05": "28.75"},
    ),
    # citizenship mid-period
    Case("citizen on 15.6.: June still paid", becomes_citizen, "2022-06", {"049": "191.67"}),
    Case("citizen: July not paid", becomes_citizen, "2022-07", Reason.CITIZEN),
    Case("citizen on the 1st: that month not paid", citizen_on_1st, "2022-06", Reason.CITIZEN),
    Case(
        "trafficking victim: citizenship does not end it",
        trafficked_citizen,
        "2022-07",
        {"049": "191.67"},
    ),
    # a permit but no municipality of residence
    Case("permit only: claimed separately", permit_only, "2021-06", Reason.NO_MUNICIPALITY),
    Case(
        "permit only: period counted from the permit", permit_only, "2024-04", Reason.PERIOD_ENDED
    ),
    Case(
        "permit, then a municipality: counted from it",
        permit_then_home,
        "2023-05",
        {"853": "162.92", "county 05": "28.75"},
    ),
    Case("permit, then a municipality: ended", permit_then_home, "2023-06", Reason.PERIOD_ENDED),
    # temporary protection, registered after 1.3.2023
    Case("temporary protection: registered 12.4.2023", tp_2023, "2023-04", Reason.PERIOD_NOT_BEGUN),
    Case(
        "temporary protection: May 2023",
        tp_2023,
        "2023-05",
        {"179": "162.92", "county 15": "28.75"},
    ),
    Case(
        "temporary protection without a municipality",
        tp_no_home,
        "2023-06",
        Reason.TEMPORARY_WITHOUT_MUNICIPALITY,
    ),
    Case("temporary protection before 1.3.2023", tp_early, "2023-02", Reason.NOT_YET_COVERED),
    Case(
        "temporary protection from 1.3.2023",
        tp_early,
        "2023-03",
        {"179": "162.92", "county 15": "28.75"},
    ),
    # a reunified family member of a quota refugee: 4 years; another family member: 3
    Case("quota family: fourth year", quota_family, "2022-08", {"853": "191.67"}),
    Case("quota family: after four years", quota_family, "2022-09", Reason.PERIOD_ENDED),
    Case("asylum family: third year", asylum_family, "2021-08", {"853": "191.67"}),
    Case("asylum family: after three years", asylum_family, "2021-09", Reason.PERIOD_ENDED),
    # turning 7 (age on the 1st): under-7 rate in the birthday month, the 7+ rate after it
    Case(
        "turns 7 on 15.5.: May at the child rate",
        turns_7,
        "2023-05",
        {"837": "541.92", "county 08": "28.50"},
    ),
    Case(
        "turns 7: June at the 7+ rate", turns_7, "2023-06", {"837": "162.92", "county 08": "28.75"}
    ),
    # death and moving abroad
    Case("died 14.2.: February paid", died, "2023-02", {"837": "162.92", "county 08": "28.75"}),
    Case("died: March not paid", died, "2023-03", Reason.DEAD),
    Case(
        "moved abroad 20.3.: March paid", abroad, "2023-03", {"837": "162.92", "county 08": "28.75"}
    ),
    Case("moved abroad: April not paid", abroad, "2023-04", Reason.MOVED_ABROAD),
    # new Act: 2 years for asylum, 3 for quota refugees; amounts from PROVISIONAL rates
    Case(
        "new Act asylum: first month",
        new_asylum,
        "2025-04",
        {"837": "125.00", "county 08": "25.00"},
        DEMO,
        True,
    ),
    Case(
        "new Act asylum: last month",
        new_asylum,
        "2027-03",
        {"837": "125.00", "county 08": "25.00"},
        DEMO,
        True,
    ),
    Case("new Act asylum: after two years", new_asylum, "2027-04", Reason.PERIOD_ENDED, DEMO),
    Case(
        "new Act quota: last month of three years",
        new_quota,
        "2028-02",
        {"853": "125.00", "county 05": "25.00"},
        DEMO,
        True,
    ),
    Case("new Act quota: after three years", new_quota, "2028-03", Reason.PERIOD_ENDED, DEMO),
    Case(
        "new Act Helsinki child: 416.67 + 25.00",
        new_helsinki_child,
        "2025-03",
        {"091": "441.67"},
        DEMO,
        True,
    ),
    Case("new Act Åland", new_aland, "2025-06", {"478": "150.00"}, DEMO, True),
    Case(
        "new Act quota family (period provisional)",
        new_quota_family,
        "2027-06",
        {"837": "125.00", "county 08": "25.00"},
        DEMO,
        True,
    ),
    Case(
        "temporary protection from 2022, in 2025 (demo choices)",
        tp_early,
        "2025-12",
        {"179": "125.00", "county 15": "25.00"},
        DEMO,
        True,
    ),
    # rates missing: nothing computed
    Case("2025 without rates", new_asylum, "2025-04", Reason.MISSING_RULE, ENTERED),
    Case("old Act without the month rules", quota_2016, "2018-07", Reason.MISSING_RULE, SHIPPED),
]


def _label(share) -> str:
    if share.recipient.kind is PayeeKind.WELLBEING_COUNTY:
        return f"county {share.recipient.code}"
    return share.recipient.code


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case):
    result = person_month(case.person, d(case.month + "-01"), case.rules, MUNICIPALITIES)
    if isinstance(case.expected, Reason):
        assert isinstance(result, LeftOut), f"expected {case.expected}, got {result}"
        assert result.reason is case.expected
        return
    assert isinstance(result, PersonMonth), f"expected a payment, got {result}"
    paid: dict[str, Decimal] = {}
    for share in result.shares:
        paid[_label(share)] = paid.get(_label(share), Decimal(0)) + share.amount
    assert paid == {k: Decimal(v) for k, v in case.expected.items()}
    assert result.provisional is case.provisional
    assert set(result.rate_row_ids) <= set(result.rule_ids)


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


def test_helsinki_gets_the_municipality_and_the_county_share_each_from_its_own_rate_row():
    result = person_month(helsinki, d("2023-06-01"), ENTERED, MUNICIPALITIES)
    assert [(s.part, s.recipient.code, s.yearly_rate) for s in result.shares] == [
        ("municipality", "091", Decimal("1955")),
        ("county", "091", Decimal("345")),
    ]
    assert len(set(result.rate_row_ids)) == 2


def test_a_month_without_its_rates_is_refused_and_nothing_is_paid():
    old_act = person(ASYLUM, "1990-01-01", lives=(("837", "2024-01-10"),))
    with pytest.raises(MonthRefused) as refused:
        payable_month(d("2025-04-01"), [old_act, new_asylum], ENTERED, MUNICIPALITIES)
    keys = {(m.key, m.kind) for m in refused.value.missing}
    assert (Key.RATE_7_AND_OVER, "municipality") in keys
    assert (Key.RATE_7_AND_OVER, "county") in keys
    assert "compensation.rate.7_and_over (municipality) on 01.04.2025" in str(refused.value)
    result = calculate_month(d("2025-04-01"), [old_act, new_asylum], ENTERED, MUNICIPALITIES)
    assert result.lines == ()
    assert {o.reason for o in result.left_out} == {Reason.MISSING_RULE}


def test_without_the_month_rules_as_shipped_the_month_names_the_amount_rule():
    with pytest.raises(MonthRefused) as refused:
        payable_month(d("2018-07-01"), [quota_2016], SHIPPED, MUNICIPALITIES)
    assert [m.key for m in refused.value.missing] == [Key.MONTH_AMOUNT]


def test_an_unset_choice_is_asked_only_where_its_options_disagree():
    # the transition rule is unknown: a period begun 10.6.2023 runs into 2025 either way
    rules = without(DEMO_ROWS, Key.TRANSITION_2025)
    assert isinstance(
        person_month(across_2025, d("2025-03-01"), rules, MUNICIPALITIES), PersonMonth
    )
    # ...but in September 2025 it ended under the new 2 years and runs under the old 3
    refused = person_month(across_2025, d("2025-09-01"), rules, MUNICIPALITIES)
    assert refused.reason is Reason.MISSING_RULE
    assert [m.key for m in refused.missing] == [Key.TRANSITION_2025]
    # and once chosen (the demo keeps the old length) it is computed, provisionally
    paid = person_month(across_2025, d("2025-09-01"), DEMO, MUNICIPALITIES)
    assert paid.provisional and paid.amount == Decimal("150.00")


def test_the_totals_per_recipient_add_up_the_shares():
    result = calculate_month(
        d("2023-06-01"), [helsinki, moves_on_2nd, aland, permit_only], ENTERED, MUNICIPALITIES
    )
    totals = {r.code: v for r, v in result.totals().items() if r.kind is PayeeKind.MUNICIPALITY}
    assert totals == {"091": Decimal("191.67"), "853": Decimal("162.92"), "478": Decimal("191.67")}
    assert [o.reason for o in result.left_out] == [Reason.NO_MUNICIPALITY]
    assert not result.provisional


def test_every_line_names_the_rules_that_made_it():
    line = person_month(quota_2016, d("2018-07-01"), ENTERED, MUNICIPALITIES)
    rows = {r.id: r.key for r in (*ENTERED.rows(Key.PERIOD_QUOTA), *ENTERED.rows(Key.MONTH_AMOUNT))}
    used = {rows[i] for i in line.rule_ids if i in rows}
    assert used == {Key.PERIOD_QUOTA, Key.MONTH_AMOUNT}
