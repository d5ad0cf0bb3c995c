"""Query parameters shared by the placement pages and the API, parsed leniently."""

from __future__ import annotations

from django.utils import timezone


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def year_param(value: str | None) -> int:
    """The year asked for (`?year=2026`), or the current year when missing, not a number or
    outside the calendar's range (a date in it must exist: 31 December of the next year too)."""
    year = int_or_none(value)
    return year if year is not None and 1 <= year <= 9998 else timezone.localdate().year
