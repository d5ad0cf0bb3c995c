"""Serializer fields with declared bounds, shared by the apps' APIs.

Every number and date a client sends has bounds that the API enforces and the schema publishes
(docs/security.md, "Limits on input"): without them `?offset=9223372036854775808` overflowed
SQLite's integer (a 500), a year of 20 digits overflowed the database, and a date near
9999-12-31 overflows date arithmetic in the services.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

#: dates the API accepts (a person's birth, a decision, an agreement's validity)
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
#: calendar years (agreements, usage)
YEAR_MIN = 2000
YEAR_MAX = 2100
#: places in one dimension of one year of an agreement
PLACES_MAX = 100_000
#: an offset into a list of persons
OFFSET_MAX = 1_000_000
#: waiting time in days (the queue's min_days filter)
DAYS_MAX = 36_500
#: years of education or work experience
YEARS_OF_EXPERIENCE_MAX = 80


class BoundedDateField(serializers.DateField):
    """An ISO date between `DATE_MIN` and `DATE_MAX` (the bounds are in the schema's
    description, which has no minimum for dates)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text", f"An ISO date from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}."
        )
        super().__init__(*args, **kwargs)

    def to_internal_value(self, value):
        date = super().to_internal_value(value)
        if not DATE_MIN <= date <= DATE_MAX:
            raise serializers.ValidationError(
                _("Give a date from %(min)s to %(max)s.")
                % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
                code="date_out_of_range",
            )
        return date


def year_field(**kwargs) -> serializers.IntegerField:
    """A calendar year from `YEAR_MIN` to `YEAR_MAX`."""
    return serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


def code_list(max_items: int, **child) -> serializers.ListField:
    """A list of at most `max_items` codes (`child`: the CharField's or ChoiceField's options:
    `choices=` makes it a ChoiceField, which publishes the enum)."""
    field = serializers.ChoiceField if "choices" in child else serializers.CharField
    return serializers.ListField(
        child=field(**child), max_length=max_items, required=False, default=list
    )


class ClosedSerializer(serializers.Serializer):
    """A serializer that refuses keys it does not declare (DRF ignores them silently), for
    objects whose keys are a code list: identifier types, agreement dimensions."""

    #: the message for unknown keys; `%(names)s` is the list of them
    unknown_message = _("Unknown fields: %(names)s.")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    self.unknown_message % {"names": ", ".join(unknown)}, code="unknown_fields"
                )
        return super().to_internal_value(data)
