"""Query parameters shared by the placement pages and the API: one parser for each, so that
both read the same values the same way."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotopaikka.core.api_fields import DAYS_MAX
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
    return [("", _("All regions"))] + [(r.code, r.name) for r in Region.objects.all()]


class QueueFilterForm(forms.Form):
    """The queue's filters as query parameters, and the filter form of the queue page (rendered
    by `_form_fields.html`). Every filter is optional and an empty value means "any"; a missing
    `status` means waiting cases (see `queue_filter_form`)."""

    status = forms.ChoiceField(
        label=_("Status"), choices=PlacementCase.Status.choices, required=False
    )
    region = forms.ChoiceField(
        label=_("Ties or wishes in region"), choices=_region_choices, required=False
    )
    nationality = forms.CharField(
        label=_("Nationality"), min_length=3, max_length=3, required=False
    )
    need = forms.ChoiceField(label=_("Need"), choices=[("", "–"), *Need.choices], required=False)
    emergency = forms.CharField(
        label=_("Emergency"),
        required=False,
        widget=forms.Select(choices=[("", "–"), ("yes", _("yes")), ("no", _("no"))]),
    )
    min_days = forms.IntegerField(
        label=_("Waiting at least (days)"), min_value=0, max_value=DAYS_MAX, required=False
    )

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


def queue_filter_form(params: Mapping[str, str]) -> QueueFilterForm:
    """The filter form bound to the query parameters; a missing `status` is "waiting" (an
    empty one: all statuses), so that the page shows it selected."""
    data = {key: params.get(key) for key in params}
    data.setdefault("status", PlacementCase.Status.WAITING)
    return QueueFilterForm(data)


def queue_filters(params: Mapping[str, str] | QueueFilterForm) -> QueueFilters:
    """The queue filters from `?status=&region=&nationality=&need=&emergency=&min_days=` (or
    from the form `queue_filter_form` made of them).

    An invalid value is a `ValidationError` keyed by the parameter's name, in the user's
    language: the page shows it at the filter (400), the API answers 400 with it.
    """
    form = params if isinstance(params, QueueFilterForm) else queue_filter_form(params)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    d = form.cleaned_data
    return QueueFilters(
        status=d["status"],
        region=d["region"],
        nationality=d["nationality"].upper(),
        need=d["need"],
        emergency=d["emergency"],
        min_waiting_days=d["min_days"],
    )
