"""Query parameters shared by the placement pages and the API: one parser for each, so that
both read the same values the same way."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kotopaikka.registry.models import Region

from .models import Need, PlacementCase
from .selectors import QueueFilters


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


#: `?emergency=` values (the page's select sends yes/no, API clients often true/false)
EMERGENCY_VALUES = {"yes": True, "true": True, "no": False, "false": False}


def _region_choices() -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in Region.objects.all()]


class _QueueParams(forms.Form):
    """The queue's filters as query parameters; every one is optional, and an empty value
    means "any" (an empty `status` too: all statuses; a missing one: waiting cases)."""

    status = forms.ChoiceField(choices=PlacementCase.Status.choices, required=False)
    region = forms.ChoiceField(choices=_region_choices, required=False)
    nationality = forms.CharField(max_length=3, required=False)
    need = forms.ChoiceField(choices=Need.choices, required=False)
    emergency = forms.CharField(required=False)
    min_days = forms.IntegerField(min_value=0, required=False)

    def clean_emergency(self) -> bool | None:
        value = self.cleaned_data["emergency"]
        if not value:
            return None
        if value.lower() not in EMERGENCY_VALUES:
            raise ValidationError(
                forms.ChoiceField.default_error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return EMERGENCY_VALUES[value.lower()]


def queue_filters(params: Mapping[str, str]) -> QueueFilters:
    """The queue filters from `?status=&region=&nationality=&need=&emergency=&min_days=`.

    An invalid value is a `ValidationError` keyed by the parameter's name, in the user's
    language: the page shows it at the filter (400), the API answers 400 with it.
    """
    form = _QueueParams(params)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    d = form.cleaned_data
    return QueueFilters(
        status=d["status"] if "status" in params else PlacementCase.Status.WAITING,
        region=d["region"],
        nationality=d["nationality"].upper(),
        need=d["need"],
        emergency=d["emergency"],
        min_waiting_days=d["min_days"],
    )
