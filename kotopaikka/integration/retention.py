"""Retention: client records whose relationship ended longer ago than the retention period
(a dated rule that ships unset: the municipality's information management plan decides) are
listed for deletion and deleted by a supervisor. The deletion's audit trace keeps no
personal data: the record's own id, the counts of what went, and the rule applied."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.operations import Op
from kotopaikka.rules.selectors import rule_value

from .deadlines import add_months
from .models import IntegrationClient
from .services import ENDED_STATUSES, OBJECT_TYPE

RULE = "integration.retention.after_relationship_ended"


def _due(actor: Actor, today: dt.date):
    """Clients of the actor's scope whose retention ended (RuleNotSet when no value)."""
    candidates = IntegrationClient.objects.for_actor(actor).filter(
        status__in=ENDED_STATUSES, ended_on__isnull=False
    )
    due = []
    for client in candidates.select_related("person").order_by("ended_on"):
        years = int(rule_value(RULE, client.ended_on))
        if add_months(client.ended_on, 12 * years) <= today:
            due.append(client)
    return due


def retention_due(*, actor: Actor) -> list[IntegrationClient]:
    """The records to delete, for the supervisor to confirm; one LIST event naming them."""
    require(actor, Op.RETENTION_MANAGE)
    due = _due(actor, timezone.localdate())
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type=OBJECT_TYPE,
        subject_ids=[c.person_id for c in due],
        fields=["person", "status", "ended_on"],
        detail={"purpose": "retention", "count": len(due)},
    )
    return due


def retention_delete(*, actor: Actor, client_ids: list) -> int:
    """Delete the listed records that are still due (the list is re-checked inside the
    transaction); one DELETE event per record without personal data."""
    require(actor, Op.RETENTION_MANAGE)
    wanted = {str(pk) for pk in client_ids}
    with transaction.atomic():
        due = [c for c in _due(actor, timezone.localdate()) if str(c.pk) in wanted]
        if len(due) != len(wanted):
            raise ValidationError({"clients": [_("Some of the records are not due for deletion.")]})
        for client in due:
            counts = {
                "assessments": client.assessments.count(),
                "plans": client.plans.count(),
                "guidance_contacts": client.guidance_contacts.count(),
                "attendances": client.attendances.count(),
                "timeline": client.events.count(),
            }
            ended_year = client.ended_on.year
            pk = client.pk
            client.delete()
            record_event(  # no person_id, no name: the record's own id and counts only
                actor=actor,
                action=AuditEvent.Action.DELETE,
                object_type=OBJECT_TYPE,
                object_id=pk,
                fields=["record"],
                detail={"purpose": "retention", "rule": RULE, "ended_year": ended_year, **counts},
            )
    return len(due)
