"""Writing audit events. Every read and change of personal data ends up here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import context
from .chain import GENESIS, event_hash
from .models import AuditChainHead, AuditEvent

Action = AuditEvent.Action


def record_event(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str | uuid.UUID | None = None,
    person_id: uuid.UUID | str | None = None,
    subject_ids: Iterable[uuid.UUID | str] = (),
    fields: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    Called inside the caller's transaction for changes (so a rolled-back change leaves no
    event) and on its own for reads and refusals. Record a refusal (DENIED) *before* entering
    the transaction of the refused change, or the rollback takes the event with it. `actor` is an `access.policy.Actor`, or a
    plain user for actions outside any role (e.g. a management command run by an operator).
    """
    ctx = context.current()
    user = getattr(actor, "user", actor)
    assignment = getattr(actor, "assignment", None)
    values: dict[str, Any] = {
        "occurred_at": timezone.now(),
        "actor_user_id": getattr(user, "pk", None),
        "actor_username": getattr(user, "username", "") or "",
        "organisation_code": assignment.organisation.code if assignment else "",
        "role": assignment.role if assignment else "",
        "action": str(action),
        "object_type": object_type,
        "object_id": str(object_id) if object_id else "",
        "person_id": str(uuid.UUID(str(person_id))) if person_id else None,
        "subject_ids": " ".join(str(s) for s in subject_ids),
        "fields": sorted(set(fields)),
        "detail": detail or {},
        "client_ip": ctx.client_ip,
        "request_id": ctx.request_id,
        "channel": ctx.channel,
    }
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "hash": GENESIS}
        )
        values["seq"] = head.seq + 1
        digest = event_hash(head.hash, values)
        event = AuditEvent(**values, prev_hash=head.hash, hash=digest)
        event.save()
        head.seq, head.hash = values["seq"], digest
        head.save(update_fields=["seq", "hash"])
    return event


def record_denial(
    *, actor: Any, object_type: str, object_id: object, purpose: str, person_id: object = None
) -> AuditEvent:
    """Audit a refused attempt to reach an object outside the actor's scope (answered with 404).

    Call it before (never inside) the transaction of the refused change, or the rollback takes
    the event with it.
    """
    context.count_denial()
    return record_event(
        actor=actor,
        action=AuditEvent.Action.DENIED,
        object_type=object_type,
        object_id=str(object_id)[:64],
        person_id=person_id,
        detail={"purpose": purpose, "reason": "not found or outside scope"},
    )
