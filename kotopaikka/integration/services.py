"""Changes to integration-client records. Each runs in one transaction and writes an audit event
naming the person, and a timeline entry a case worker reads.

Other apps (placement, on arrival or a confirmed self-arranged move) call `client_receive`;
they never write integration's models themselves.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.models import RoleAssignment
from kotopaikka.access.policy import Actor, require
from kotopaikka.access.scope import locked_in_scope
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.operations import Op
from kotopaikka.people.validators import normalise_language
from kotopaikka.registry.models import Municipality

from .errors import ClientNotFound
from .models import ClientEvent, ClientHealth, IntegrationClient
from .scope import MUNICIPAL_ROLES

OBJECT_TYPE = "integration.IntegrationClient"
ENDED_STATUSES = (IntegrationClient.Status.CLOSED, IntegrationClient.Status.MOVED_AWAY)
HEALTH = "integration.ClientHealth"


def timeline_add(client: IntegrationClient, actor: Actor, kind: str, changed=()) -> None:
    """One timeline entry (the case worker's history of the client; the audit log is apart)."""
    ClientEvent.objects.create(
        client=client,
        kind=kind,
        actor_username=actor.user.get_username(),
        organisation_code=actor.organisation.code,
        fields=sorted(changed),
    )


def client_receive(
    *,
    actor: Actor,
    person_ids: list[uuid.UUID],
    municipality: Municipality,
    received_on: dt.date,
    first_residence_date: dt.date | None,
    reason: str,
    group: str = IntegrationClient.Group.OTHER,
    residence_permit_on: dt.date | None = None,
) -> list[IntegrationClient]:
    """Make each person an integration client of `municipality` from `received_on`, with the
    dates that drive everything after it and their group under the Integration Act. A person
    who already is a client keeps the record (the first municipality of residence does not
    change when they are received again).

    Runs inside the caller's transaction (placement's arrival), which has checked the actor's
    right to receive these persons.
    """
    if group not in IntegrationClient.Group.values:
        raise ValidationError({"group": [_("Unknown value %(value)s.") % {"value": group}]})
    clients = []
    for person_id in sorted(person_ids):
        client, created = IntegrationClient.objects.get_or_create(
            person_id=person_id,
            defaults={
                "municipality": municipality,
                "client_since": received_on,
                "arrived_on": received_on,
                "first_residence_date": first_residence_date,
                "residence_permit_on": residence_permit_on,
                "group": group,
            },
        )
        if created:
            timeline_add(client, actor, ClientEvent.Kind.RECEIVED)
            record_event(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                object_type=OBJECT_TYPE,
                object_id=client.pk,
                person_id=person_id,
                fields=[
                    "municipality",
                    "client_since",
                    "arrived_on",
                    "first_residence_date",
                    "residence_permit_on",
                    "group",
                ],
                detail={"reason": reason, "municipality": municipality.code},
            )
        clients.append(client)
    return clients


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: a field the caller does not change (None is a value: it empties an optional field)
UNSET: Any = _Unset()


@dataclass
class ClientData:
    """What the client form and the API may change; fields left UNSET are not changed."""

    status: str = UNSET
    group: str = UNSET
    responsible_worker_id: int | None = UNSET
    first_residence_date: dt.date | None = UNSET
    residence_permit_on: dt.date | None = UNSET
    phone: str = UNSET
    email: str = UNSET
    address: str = UNSET
    interpreter_needed: bool = UNSET
    interpreter_language: str = UNSET
    trafficking_victim: bool = UNSET


def _clean(client: IntegrationClient, data: ClientData) -> dict:
    """The changes, validated by field (every error at once); nothing is written here."""
    errors: dict[str, list[str]] = {}
    changes = {
        f.name: getattr(data, f.name) for f in fields(data) if getattr(data, f.name) is not UNSET
    }
    for name in ("phone", "email", "address", "interpreter_language"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    for name in ("status", "group"):
        if name in changes and changes[name] is None:
            changes[name] = ""  # refused below as outside its list (not a silent keep)
    for name in ("interpreter_needed", "trafficking_victim"):
        if name in changes:
            changes[name] = bool(changes[name])

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name, choices in (
        ("status", IntegrationClient.Status.values),
        ("group", IntegrationClient.Group.values),
    ):
        if name in changes and changes[name] not in choices:
            add(name, _("Unknown value %(value)s.") % {"value": changes[name]})
    today = dt.date.today()
    for name in ("first_residence_date", "residence_permit_on"):
        if changes.get(name) and changes[name] > today:
            add(name, _("The date cannot be in the future."))
    permit = changes.get("residence_permit_on", client.residence_permit_on)
    residence = changes.get("first_residence_date", client.first_residence_date)
    if permit and residence and residence < permit:
        add(
            "first_residence_date",
            _("The first municipality of residence cannot be before the first residence permit."),
        )
    if changes.get("email"):
        try:
            validate_email(changes["email"])
        except ValidationError:
            add("email", _("Enter a valid e-mail address."))
    if changes.get("interpreter_language"):
        try:
            changes["interpreter_language"] = normalise_language(changes["interpreter_language"])
        except ValidationError as exc:
            add("interpreter_language", exc.messages[0])
    if changes.get("phone") and len(changes["phone"]) > 40:
        add("phone", _("At most %(n)s characters.") % {"n": 40})
    if changes.get("address") and len(changes["address"]) > 300:
        add("address", _("At most %(n)s characters.") % {"n": 300})
    worker = changes.get("responsible_worker_id")
    if (
        worker is not None
        and not RoleAssignment.objects.filter(
            user_id=worker,
            is_active=True,
            role__in=MUNICIPAL_ROLES,
            organisation__municipality_id=client.municipality_id,
        ).exists()
    ):
        add("responsible_worker", _("Not an integration worker of the client's municipality."))
    if errors:
        raise ValidationError(errors)
    return {k: v for k, v in changes.items() if getattr(client, k) != v}


def locked_client(actor: Actor, client_id, purpose: str):
    """The client in the actor's scope, locked for a change (an audited 404 otherwise); every
    service of the integration app that changes a client's data starts here."""
    return locked_in_scope(
        IntegrationClient.objects.for_actor(actor),
        client_id,
        actor=actor,
        object_type=OBJECT_TYPE,
        purpose=purpose,
        not_found=ClientNotFound,
    )


def client_update(*, actor: Actor, client_id, data: ClientData) -> IntegrationClient:
    """Change a client's record (status, group, dates, responsible worker, contact details,
    interpreter); the audit event and the timeline name the fields that changed."""
    require(actor, Op.CLIENT_UPDATE)
    with locked_client(actor, client_id, "update") as client:
        changes = _clean(client, data)
        if not changes:
            return client
        if "status" in changes:  # the retention period runs from the end of the relationship
            ended_on = timezone.localdate() if changes["status"] in ENDED_STATUSES else None
            if ended_on != client.ended_on:
                changes["ended_on"] = ended_on
        for name, value in changes.items():
            setattr(client, name, value)
        client.save(update_fields=[*changes, "updated_at"])
        changed = [n.removesuffix("_id") for n in changes]
        kind = ClientEvent.Kind.STATUS if set(changes) == {"status"} else ClientEvent.Kind.UPDATED
        timeline_add(client, actor, kind, changed)
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=client.pk,
            person_id=client.person_id,
            fields=changed,
        )
    return client


def client_health_update(
    *, actor: Actor, client_id, functional_capacity: str, health_notes: str
) -> ClientHealth:
    """Change the health and functional-capacity information (roles with `Op.CLIENT_HEALTH`
    only); the timeline says it changed, never what it says."""
    require(actor, Op.CLIENT_HEALTH)
    errors = {
        name: [_("At most %(n)s characters.") % {"n": 5000}]
        for name, value in (
            ("functional_capacity", functional_capacity),
            ("health_notes", health_notes),
        )
        if len(value) > 5000
    }
    if errors:
        raise ValidationError(errors)
    with locked_client(actor, client_id, "health_update") as client:
        health, _created = ClientHealth.objects.get_or_create(client=client)
        health.functional_capacity = functional_capacity.strip()
        health.health_notes = health_notes.strip()
        health.updated_by = actor.user.get_username()
        health.save()
        timeline_add(client, actor, ClientEvent.Kind.HEALTH)
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=HEALTH,
            object_id=client.pk,
            person_id=client.person_id,
            fields=["functional_capacity", "health_notes"],
        )
    return health


def client_person_repoint(
    *, actor: Actor, from_person_id, to_person_id, moved: dict | None = None
) -> dict:
    """Integration's merge handler (`people.merging`, registered in
    `IntegrationConfig.ready`): the client record of `from_person_id`, if any, becomes
    `to_person_id`'s, with everything recorded on it (assessments, plans, attendance).

    A person has one client record: when both persons have one, the merge is refused (two
    records of services cannot be joined automatically). Undoing a merge passes what this
    returned then, and that record moves back. Runs in the merge's transaction, audited
    naming both persons.
    """
    from kotopaikka.people.merging import PersonMergeRefused

    if moved is None:
        client = IntegrationClient.objects.filter(person_id=from_person_id).first()
        if client is not None and IntegrationClient.objects.filter(person_id=to_person_id).exists():
            raise PersonMergeRefused(
                [
                    _(
                        "Both records are integration clients, each with a client record of "
                        "its own, and two client records cannot be merged. Ask the system "
                        "administrator for help."
                    )
                ]
            )
    else:
        client = IntegrationClient.objects.filter(
            pk=moved.get("client"), person_id=from_person_id
        ).first()
    if client is None:
        return {}
    IntegrationClient.objects.filter(pk=client.pk).update(person_id=to_person_id)
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=client.pk,
        person_id=to_person_id,
        subject_ids=[from_person_id, to_person_id],
        fields=["person"],
        detail={"reason": "person_merge" if moved is None else "person_unmerge"},
    )
    return {"client": str(client.pk)}
