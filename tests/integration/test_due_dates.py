"""Due dates from the dated rules, on their boundary days: months to the same day (the last
day of a shorter month), a time limit ending on a weekend or public holiday moved to the next
working day (150/1930 §5), a rule row left unset refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from kotopaikka.integration import deadlines
from kotopaikka.rules.errors import RuleNotSet
from kotopaikka.rules.models import LegalRule

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 8, 15), 6, D(2026, 2, 15)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2023, 3, 1), 36, D(2026, 3, 1)),
    ],
)
def test_months_end_on_the_same_day_or_the_last_of_a_shorter_month(start, months, end):
    assert deadlines.add_months(start, months) == end


@pytest.mark.parametrize(
    ("last_day", "ends"),
    [
        (D(2026, 12, 3), D(2026, 12, 3)),  # a Thursday
        (D(2026, 12, 5), D(2026, 12, 7)),  # Saturday -> Monday
        (D(2025, 12, 6), D(2025, 12, 8)),  # Independence Day on a Saturday
        (D(2026, 12, 24), D(2026, 12, 28)),  # Christmas Eve, Christmas, Boxing Day, Sunday
        (D(2026, 6, 19), D(2026, 6, 22)),  # Midsummer Eve (Friday), Midsummer Day
        (D(2026, 5, 1), D(2026, 5, 4)),  # 1 May, a Friday
        (D(2026, 5, 14), D(2026, 5, 15)),  # Ascension Day
        (D(2026, 4, 3), D(2026, 4, 7)),  # Good Friday .. Easter Monday
    ],
)
def test_a_time_limit_on_a_weekend_or_holiday_ends_the_next_working_day(last_day, ends):
    assert deadlines.time_limit_end(last_day) == ends


def test_the_working_day_rule_is_a_row_that_can_be_turned_off():
    LegalRule.objects.filter(key=deadlines.ROLL_RULE).update(value=0)
    assert deadlines.time_limit_end(D(2026, 12, 5)) == D(2026, 12, 5)


def test_a_rule_left_unset_refuses_to_compute():
    # The new Act's deadline for starting the assessment is not in the sources: shipped unset.
    with pytest.raises(RuleNotSet):
        deadlines.days_rule("integration.assessment.start_deadline", D(2026, 3, 1))
    # The old Act's two months (60 days) applied to a relationship begun in 2024.
    # 1.10.2024 + 60 days = 30.11.2024, a Saturday: the limit ends on Monday 2.12.2024.
    rule = "integration.assessment.start_deadline"
    assert deadlines.days_rule(rule, D(2024, 10, 1)) == D(2024, 12, 2)


def test_the_review_interval_changes_on_the_day_the_new_act_came_into_force():
    rule = "integration.plan.review_interval"
    assert deadlines.months_rule(rule, D(2024, 12, 31)) == D(2025, 12, 31)  # old Act: a year
    assert deadlines.months_rule(rule, D(2025, 1, 1)) == D(2025, 7, 1)  # new Act: six months


def test_working_days_between_skip_weekends_and_holidays():
    # 7.–11.12.2026: Independence Day falls on a Sunday, so all five count
    assert deadlines.working_days_between(D(2026, 12, 4), D(2026, 12, 11)) == 5
    assert deadlines.working_days_between(D(2025, 12, 5), D(2025, 12, 12)) == 5  # 6.12. a Sat
    assert deadlines.working_days_between(D(2026, 12, 23), D(2026, 12, 31)) == 4  # not 24–27
    assert deadlines.working_days_between(D(2026, 12, 11), D(2026, 12, 4)) == -5


def test_the_snapshot_reads_each_rule_once(django_assert_num_queries):
    rule = "integration.plan.review_interval"
    with deadlines.rules_snapshot():
        deadlines.months_rule(rule, D(2025, 3, 3))
        with django_assert_num_queries(0):
            deadlines.months_rule(rule, D(2025, 3, 3))
