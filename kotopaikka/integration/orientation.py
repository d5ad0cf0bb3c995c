"""Multilingual civic orientation (681/2023 §25, VNA 576/2024): course groups by language,
sessions with hours and topics, attendance, independent study where the decree allows it, and
the waiting list by language. A client's hours and topics are counted against the rule's
minimum (70 hours from 1.1.2025)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.scope import locked_in_scope
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.errors import FieldErrors
from kotopaikka.core.operations import Op
from kotopaikka.people.validators import normalise_language

from .deadlines import rule_in_force
from .errors import GroupNotFound
from .models import (
    Attendance,
    ClientEvent,
    IntegrationClient,
    OrientationGroup,
    OrientationSession,
    OrientationTopic,
    OrientationWaiting,
    SelfStudy,
)
from .services import locked_client, timeline_add

GROUP = "integration.OrientationGroup"
SESSION = "integration.OrientationSession"
SELF_STUDY = "integration.SelfStudy"
WAITING = "integration.OrientationWaiting"
MIN_HOURS_RULE = "integration.civic_orientation.min_hours"
MAX_SESSION_HOURS = Decimal("12")
MAX_SELF_STUDY_HOURS = Decimal("70")


@dataclass(frozen=True)
class OrientationProgress:
    """A client's civic orientation so far, against the minimum in force."""

    hours: Decimal
    minimum: Decimal | None  # None: the rule is not set for the day
    topics: frozenset[str]

    @property
    def missing_topics(self) -> list[str]:
        return [t for t in OrientationTopic.values if t not in self.topics]

    @property
    def complete(self) -> bool:
        return self.minimum is not None and self.hours >= self.minimum and not self.missing_topics


def progress(client: IntegrationClient, on: dt.date | None = None) -> OrientationProgress:
    """Hours attended plus independent study, and the topics covered (not audited here: the
    caller's read of the client is)."""
    on = on or timezone.localdate()
    # .all(): the prefetched rows when the caller prefetched them (the work queue does,
    # `attendances__session` and `self_study`), else two queries
    attendances = [a for a in client.attendances.all() if a.hours > 0]
    studies = list(client.self_study.all())
    topics: set[str] = set()
    for row in [*(a.session.topics for a in attendances), *(s.topics for s in studies)]:
        topics.update(row)
    hours = sum((a.hours for a in attendances), Decimal(0)) + sum(
        (s.hours for s in studies), Decimal(0)
    )
    try:
        minimum = rule_in_force(MIN_HOURS_RULE, on)
    except ValidationError:  # RuleNotSet: shown as unset, never guessed
        minimum = None
    return OrientationProgress(hours, minimum, frozenset(topics))


def _topics_errors(topics: list[str], name: str, add) -> None:
    unknown = [t for t in topics if t not in OrientationTopic.values]
    if unknown:
        add(name, _("Unknown value %(value)s.") % {"value": ", ".join(unknown)})


def group_create(
    *,
    actor: Actor,
    name: str,
    language: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    capacity: int | None = None,
) -> OrientationGroup:
    """A new course group of the actor's municipality, taught in `language`."""
    require(actor, Op.ORIENTATION_MANAGE)
    errors = FieldErrors()
    name = (name or "").strip()
    if not name or len(name) > 120:
        errors.add("name", _("A name of 1–%(n)s characters.") % {"n": 120})
    try:
        language = normalise_language(language)
    except ValidationError as exc:
        errors.add("language", exc.messages[0])
    if ends_on and ends_on < starts_on:
        errors.add("ends_on", _("The end cannot be before the start."))
    if capacity is not None and not 1 <= capacity <= 200:
        errors.add("capacity", _("Between %(min)s and %(max)s.") % {"min": 1, "max": 200})
    if actor.organisation.municipality_id is None:
        errors.add("municipality", _("Only a municipality has course groups."))
    errors.raise_if_any()
    with transaction.atomic():
        group = OrientationGroup.objects.create(
            municipality_id=actor.organisation.municipality_id,
            name=name,
            language=language,
            starts_on=starts_on,
            ends_on=ends_on,
            capacity=capacity,
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=GROUP,
            object_id=str(group.pk),
            fields=["name", "language", "starts_on", "ends_on", "capacity"],
        )
    return group


def locked_group(actor: Actor, group_id, purpose: str):
    return locked_in_scope(
        OrientationGroup.objects.for_actor(actor),
        group_id,
        actor=actor,
        object_type=GROUP,
        purpose=purpose,
        not_found=GroupNotFound,
    )


def _clients_of_group(actor: Actor, group: OrientationGroup, client_ids) -> list:
    clients = list(
        IntegrationClient.objects.for_actor(actor).filter(
            pk__in=list(client_ids), municipality_id=group.municipality_id
        )
    )
    if len(clients) != len(set(map(str, client_ids))):
        raise ValidationError({"clients": [_("Some of the clients are not yours to enrol.")]})
    return clients


def group_enrol(*, actor: Actor, group_id, client_ids: list) -> OrientationGroup:
    """Enrol clients of the municipality in the group; they leave the waiting list."""
    require(actor, Op.ORIENTATION_MANAGE)
    with locked_group(actor, group_id, "enrol") as group:
        clients = _clients_of_group(actor, group, client_ids)
        if group.capacity and group.participants.count() + len(clients) > group.capacity:
            raise ValidationError(
                {"clients": [_("The group has %(n)s places.") % {"n": group.capacity}]}
            )
        group.participants.add(*clients)
        OrientationWaiting.objects.filter(client__in=clients).delete()
        for client in clients:
            timeline_add(client, actor, ClientEvent.Kind.ORIENTATION, ["group"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=GROUP,
            object_id=str(group.pk),
            subject_ids=[c.person_id for c in clients],
            fields=["participants"],
            detail={"enrolled": len(clients)},
        )
    return group


def session_record(
    *,
    actor: Actor,
    group_id,
    held_on: dt.date,
    hours: Decimal,
    topics: list[str],
    attendance: dict,
) -> OrientationSession:
    """A session of the group with its topics, and each participant's hours attended
    (`attendance`: client id -> hours, at most the session's)."""
    require(actor, Op.ORIENTATION_MANAGE)
    errors = FieldErrors()
    add = errors.add

    if held_on > timezone.localdate():
        add("held_on", _("The date cannot be in the future."))
    if not Decimal("0.5") <= hours <= MAX_SESSION_HOURS:
        add("hours", _("Between %(min)s and %(max)s hours.") % {"min": "0.5", "max": 12})
    if not topics:
        add("topics", _("Choose the topics the session covered."))
    _topics_errors(topics, "topics", add)
    for client_id, attended in attendance.items():
        if not Decimal(0) <= attended <= hours:
            add(f"attendance.{client_id}", _("At most the session's hours."))
    errors.raise_if_any()
    with locked_group(actor, group_id, "session") as group:
        if held_on < group.starts_on:
            raise ValidationError(
                {"held_on": [_("The session cannot be before the group starts.")]}
            )
        participants = {str(pk) for pk in group.participants.values_list("pk", flat=True)}
        strangers = [c for c in attendance if str(c) not in participants]
        if strangers:
            raise ValidationError({"attendance": [_("Only the group's participants attend.")]})
        session = OrientationSession.objects.create(
            group=group, held_on=held_on, hours=hours, topics=sorted(set(topics))
        )
        rows = [
            Attendance(session=session, client_id=client_id, hours=attended)
            for client_id, attended in attendance.items()
        ]
        Attendance.objects.bulk_create(rows)
        clients = list(IntegrationClient.objects.filter(pk__in=[r.client_id for r in rows]))
        for client in clients:
            timeline_add(client, actor, ClientEvent.Kind.ORIENTATION, ["attendance"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=SESSION,
            object_id=str(session.pk),
            subject_ids=[c.person_id for c in clients],
            fields=["held_on", "hours", "topics", "attendance"],
            detail={"group": str(group.pk)},
        )
    return session


def self_study_record(
    *,
    actor: Actor,
    client_id,
    studied_until: dt.date,
    hours: Decimal,
    topics: list[str],
    material: str,
    reason: str,
) -> SelfStudy:
    """Independent study counted towards the minimum, with its material and the reason the
    decree allows it (e.g. no group in the client's language)."""
    require(actor, Op.ORIENTATION_MANAGE)
    errors = FieldErrors()
    add = errors.add

    if studied_until > timezone.localdate():
        add("studied_until", _("The date cannot be in the future."))
    if not Decimal("0.5") <= hours <= MAX_SELF_STUDY_HOURS:
        add("hours", _("Between %(min)s and %(max)s hours.") % {"min": "0.5", "max": 70})
    _topics_errors(topics, "topics", add)
    for name, value in (("material", material), ("reason", reason)):
        if not (value or "").strip():
            add(name, _("This field is required."))
        elif len(value) > 300:
            add(name, _("At most %(n)s characters.") % {"n": 300})
    errors.raise_if_any()
    with locked_client(actor, client_id, "self_study") as client:
        study = SelfStudy.objects.create(
            client=client,
            studied_until=studied_until,
            hours=hours,
            topics=sorted(set(topics)),
            material=material.strip(),
            reason=reason.strip(),
            recorded_by=actor.user.get_username(),
        )
        timeline_add(client, actor, ClientEvent.Kind.ORIENTATION, ["self_study"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=SELF_STUDY,
            object_id=str(study.pk),
            person_id=client.person_id,
            fields=["studied_until", "hours", "topics", "material", "reason"],
        )
    return study


def waiting_add(*, actor: Actor, client_id, language: str, since: dt.date) -> OrientationWaiting:
    """Put the client on the waiting list for a group in `language` (one entry per client)."""
    require(actor, Op.ORIENTATION_MANAGE)
    try:
        language = normalise_language(language)
    except ValidationError as exc:
        raise ValidationError({"language": exc.messages}) from None
    if since > timezone.localdate():
        raise ValidationError({"since": [_("The date cannot be in the future.")]})
    with locked_client(actor, client_id, "orientation_waiting") as client:
        entry, _created = OrientationWaiting.objects.update_or_create(
            client=client, defaults={"language": language, "since": since}
        )
        timeline_add(client, actor, ClientEvent.Kind.ORIENTATION, ["waiting"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=WAITING,
            object_id=str(entry.pk),
            person_id=client.person_id,
            fields=["language", "since"],
        )
    return entry
