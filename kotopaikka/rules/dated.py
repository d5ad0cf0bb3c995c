"""Pure date arithmetic for dated rules (no Django): ages, birthdays, whole years, and the
row in force on a day. Used by `integration.minors` (the support age limit) and by the
compensation engine (`kotopaikka.compensation.engine`), which must not import Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol


class Dated(Protocol):
    valid_from: dt.date
    valid_until: dt.date | None


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 1 March in a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def birthday(birth: dt.date, age: int) -> dt.date:
    """The day on which someone born on `birth` turns `age`."""
    return add_years(birth, age)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in whole years on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def in_force[D: Dated](rows: Iterable[D], day: dt.date) -> D | None:
    """The row whose validity covers `day` (the latest-starting one if, wrongly, several do)."""
    covering = [
        row
        for row in rows
        if row.valid_from <= day and (row.valid_until is None or day <= row.valid_until)
    ]
    return max(covering, key=lambda row: row.valid_from, default=None)
