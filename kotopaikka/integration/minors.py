"""Unaccompanied minors: the young person's support record and the day the support ends.

The age limit is a dated rule (`integration.unaccompanied.support_age_limit`: 21 until
14.7.2020, 25 from 15.7.2020, 23 from 1.7.2024). The stored sources give no transitional
provision, so the end is computed as the first day on which the young person's age reaches
the limit in force on that day: someone aged 24 on 1.7.2024 reached the new limit of 23 that
day. When the date of birth is known only to the year, the end is computed from 1 January of
that year and shown as approximate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.errors import FieldErrors
from kotopaikka.core.operations import Op
from kotopaikka.rules.dated import age_on, birthday
from kotopaikka.rules.models import LegalRule
from kotopaikka.rules.selectors import rule_value

from .models import ClientEvent, MinorSupport
from .services import locked_client, timeline_add

AGE_RULE = "integration.unaccompanied.support_age_limit"
OBJECT_TYPE = "integration.MinorSupport"


@dataclass(frozen=True)
class SupportEnd:
    ends_on: dt.date
    age_limit: int
    approximate: bool


def support_end(birth: dt.date, approximate: bool = False) -> SupportEnd:
    """The first day on which the age reaches the limit in force that day (RuleNotSet if a day
    considered has no value)."""
    rows = LegalRule.objects.filter(key=AGE_RULE, value__isnull=False)
    candidates = {row.valid_from for row in rows if row.valid_from > birth}
    candidates |= {birthday(birth, int(row.value)) for row in rows}
    for day in sorted(candidates):
        limit = int(rule_value(AGE_RULE, day))
        if age_on(birth, day) >= limit:
            return SupportEnd(day, limit, approximate)
    raise ValidationError({"date_of_birth": [_("No support age limit applies to this date.")]})


def support_end_for(client) -> SupportEnd | None:
    person = client.person
    if person.date_of_birth is None:
        return None
    return support_end(person.date_of_birth, person.birth_date_precision != "day")


def minor_support_save(
    *,
    actor: Actor,
    client_id,
    housing: str,
    housing_since: dt.date,
    representative: str = "",
    representative_contact: str = "",
) -> MinorSupport:
    require(actor, Op.CLIENT_UPDATE)
    errors = FieldErrors()
    if housing not in MinorSupport.Housing.values:
        errors.add("housing", _("Unknown value %(value)s.") % {"value": housing})
    if housing_since > timezone.localdate():
        errors.add("housing_since", _("The date cannot be in the future."))
    for name, value in (
        ("representative", representative),
        ("representative_contact", representative_contact),
    ):
        if len(value) > 200:
            errors.add(name, _("At most %(n)s characters.") % {"n": 200})
    errors.raise_if_any()
    with locked_client(actor, client_id, "minor_support") as client:
        support, _created = MinorSupport.objects.update_or_create(
            client=client,
            defaults={
                "housing": housing,
                "housing_since": housing_since,
                "representative": representative.strip(),
                "representative_contact": representative_contact.strip(),
            },
        )
        timeline_add(client, actor, ClientEvent.Kind.MINOR_SUPPORT, ["housing"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=client.pk,
            person_id=client.person_id,
            fields=["representative", "representative_contact", "housing", "housing_since"],
        )
    return support
