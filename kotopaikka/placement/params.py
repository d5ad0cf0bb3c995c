"""Query parameters shared by the placement pages and the API, parsed leniently."""

from __future__ import annotations

from django.utils import timezone


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def year_param(value: str | None) -> int:
    """The year asked for (`?year=2026`), or the current year when missing or not a number."""
    return int_or_none(value) or timezone.localdate().year
