"""Guidance and advice (681/2023 §13): contacts with a client, and anonymous contacts counted
without personal data, for the municipality's statistics."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.errors import FieldErrors
from kotopaikka.core.operations import Op
from kotopaikka.people.validators import normalise_language

from .models import (
    AnonymousContact,
    ClientEvent,
    ContactChannel,
    ContactTopic,
    GuidanceContact,
    IntegrationClient,
)
from .services import locked_client, timeline_add

OBJECT_TYPE = "integration.GuidanceContact"
MAX_MINUTES = 480
MAX_COUNT = 500


def _common(errors: FieldErrors, contacted_on: dt.date, channel: str, topic: str) -> None:
    if contacted_on > timezone.localdate():
        errors.add("contacted_on", _("The date cannot be in the future."))
    if channel not in ContactChannel.values:
        errors.add("channel", _("Unknown value %(value)s.") % {"value": channel})
    if topic not in ContactTopic.values:
        errors.add("topic", _("Unknown value %(value)s.") % {"value": topic})


def contact_record(
    *,
    actor: Actor,
    client_id,
    contacted_on: dt.date,
    channel: str,
    topic: str,
    minutes: int,
    interpreter_used: bool = False,
    note: str = "",
) -> GuidanceContact:
    require(actor, Op.CLIENT_UPDATE)
    errors = FieldErrors()
    _common(errors, contacted_on, channel, topic)
    if not 1 <= minutes <= MAX_MINUTES:
        errors.add("minutes", _("Between %(min)s and %(max)s.") % {"min": 1, "max": MAX_MINUTES})
    if len(note) > 2000:
        errors.add("note", _("At most %(n)s characters.") % {"n": 2000})
    errors.raise_if_any()
    with locked_client(actor, client_id, "guidance") as client:
        contact = GuidanceContact.objects.create(
            client=client,
            municipality_id=client.municipality_id,
            contacted_on=contacted_on,
            channel=channel,
            topic=topic,
            minutes=minutes,
            interpreter_used=interpreter_used,
            note=note.strip(),
            recorded_by=actor.user.get_username(),
        )
        timeline_add(client, actor, ClientEvent.Kind.GUIDANCE, [topic])
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=OBJECT_TYPE,
            object_id=str(contact.pk),
            person_id=client.person_id,
            fields=["contacted_on", "channel", "topic", "minutes", "interpreter_used", "note"],
        )
    return contact


def anonymous_contact_record(
    *,
    actor: Actor,
    contacted_on: dt.date,
    channel: str,
    topic: str,
    count: int = 1,
    language: str = "",
) -> AnonymousContact:
    """Counts without a person (no personal data: change-logged, not audited as a read)."""
    require(actor, Op.CLIENT_UPDATE)
    errors = FieldErrors()
    _common(errors, contacted_on, channel, topic)
    if not 1 <= count <= MAX_COUNT:
        errors.add("count", _("Between %(min)s and %(max)s.") % {"min": 1, "max": MAX_COUNT})
    if language:
        try:
            language = normalise_language(language)
        except ValidationError as exc:
            errors.add("language", exc.messages[0])
    if actor.organisation.municipality_id is None:
        errors.add("municipality", _("Only a municipality records guidance contacts."))
    errors.raise_if_any()
    with transaction.atomic():
        return AnonymousContact.objects.create(
            municipality_id=actor.organisation.municipality_id,
            contacted_on=contacted_on,
            channel=channel,
            topic=topic,
            count=count,
            language=language,
            recorded_by=actor.user.get_username(),
        )


def statistics(*, actor: Actor, year: int) -> list[dict]:
    """Per topic: contacts with clients, their minutes, and anonymous contacts, in the year
    (counts only: no event names a person)."""
    require(actor, Op.CLIENT_VIEW)
    clients = IntegrationClient.objects.for_actor(actor)
    named = {
        row["topic"]: row
        for row in GuidanceContact.objects.filter(client__in=clients, contacted_on__year=year)
        .values("topic")
        .annotate(contacts=Count("id"), minutes=Sum("minutes"))
    }
    municipality = actor.organisation.municipality_id
    anonymous = {
        row["topic"]: row["total"]
        for row in AnonymousContact.objects.filter(
            municipality_id=municipality, contacted_on__year=year
        )
        .values("topic")
        .annotate(total=Sum("count"))
    }
    return [
        {
            "code": code,
            "topic": label,
            "contacts": named.get(code, {}).get("contacts", 0),
            "minutes": named.get(code, {}).get("minutes", 0) or 0,
            "anonymous": anonymous.get(code, 0),
        }
        for code, label in ContactTopic.choices
    ]
