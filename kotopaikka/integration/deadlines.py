"""Due dates of integration services, computed from the dated rules (`kotopaikka.rules`).

A period in months ends on the same day of the month (the last day of a shorter month), and a
time limit whose last day falls on a Saturday, Sunday or public holiday moves to the next
working day, when the rule row `general.deadline_moves_to_working_day` says so (the Act on
the Calculation of Statutory Time Limits 150/1930 §5, which names the public holidays,
Independence Day, 1 May, Christmas Eve and Midsummer Eve). Finnish public holidays come
from the `holidays` library, which lists exactly those days, Christmas and Midsummer Eve
included.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache

import holidays

from kotopaikka.rules.errors import RuleNotSet
from kotopaikka.rules.selectors import rule_rows, rule_value, rule_value_among

ROLL_RULE = "general.deadline_moves_to_working_day"
_snapshot: ContextVar[dict | None] = ContextVar("rules_snapshot", default=None)


@contextlib.contextmanager
def rules_snapshot() -> Iterator[None]:
    """Within the block each rule's rows are read from the database once: a work queue of a
    thousand clients asks the same few rules for many days."""
    token = _snapshot.set({})
    try:
        yield
    finally:
        _snapshot.reset(token)


def rule_in_force(key: str, on: dt.date) -> Decimal:
    """The value of the rule in force on `on` (RuleNotSet if none); inside `rules_snapshot`
    each rule's rows are read once, whatever the days asked."""
    memo = _snapshot.get()
    if memo is None:
        return rule_value(key, on).value
    if key not in memo:
        memo[key] = rule_rows(key)
    return rule_value_among(memo[key], key, on).value


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months, on the month's last day if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=64)
def _finnish_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Finland(years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _finnish_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(n))
    )


def time_limit_end(last_day: dt.date) -> dt.date:
    """The day a time limit really ends: its last day, moved to the next working day when the
    rule in force on that day says so (a rule left unset refuses, like any other)."""
    if int(rule_in_force(ROLL_RULE, last_day)):
        return next_working_day(last_day)
    return last_day


def months_rule(key: str, start: dt.date) -> dt.date:
    """`start` plus the rule's months (the rule in force on `start`), as a time limit."""
    return time_limit_end(add_months(start, int(rule_in_force(key, start))))


def days_rule(key: str, start: dt.date) -> dt.date:
    return time_limit_end(start + dt.timedelta(days=int(rule_in_force(key, start))))


__all__ = [
    "RuleNotSet",
    "add_months",
    "days_rule",
    "is_working_day",
    "months_rule",
    "next_working_day",
    "rule_in_force",
    "rules_snapshot",
    "time_limit_end",
    "working_days_between",
]
