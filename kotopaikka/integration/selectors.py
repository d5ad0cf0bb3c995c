"""Reads of integration-client records. Each applies the actor's scope and writes exactly one
audit event; health information is read, and audited as read, only by roles that may."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone

from kotopaikka.access.policy import Actor, can, require
from kotopaikka.access.scope import in_scope_or_404
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.operations import Op

from . import workqueue
from .deadlines import rules_snapshot
from .errors import ClientNotFound, GroupNotFound
from .minors import support_end_for
from .models import IntegrationClient, IntegrationPlan, OrientationGroup, OrientationWaiting
from .orientation import GROUP, progress
from .services import OBJECT_TYPE

#: what the client record shows (the audit log names exactly these)
RECORD_FIELDS = [
    "person",
    "status",
    "group",
    "client_since",
    "arrived_on",
    "first_residence_date",
    "residence_permit_on",
    "responsible_worker",
    "phone",
    "email",
    "address",
    "interpreter",
    "timeline",
    "assessments",
    "plans",
    "civic_orientation",
    "guidance_contacts",
    "minor_support",
]

_PLANS = Prefetch(
    "plans",
    queryset=IntegrationPlan.objects.prefetch_related("measures", "reviews").select_related(
        "responsible_worker"
    ),
)
HEALTH_FIELDS = ["functional_capacity", "health_notes"]


def _support_end(client):
    if getattr(client, "minor_support", None) is None:
        return None
    try:
        return support_end_for(client)
    except ValidationError:  # the age-limit rule is not set for a day considered
        return None


def client_in_scope(*, actor: Actor, client_id) -> None:
    """An audited 404 unless the client is in the actor's scope (no read: nothing is shown)."""
    in_scope_or_404(
        IntegrationClient.objects.for_actor(actor).values_list("pk", flat=True),
        client_id,
        actor=actor,
        object_type=OBJECT_TYPE,
        purpose="scope_check",
        not_found=ClientNotFound,
    )


def group_in_scope(*, actor: Actor, group_id) -> None:
    in_scope_or_404(
        OrientationGroup.objects.for_actor(actor).values_list("pk", flat=True),
        group_id,
        actor=actor,
        object_type=GROUP,
        purpose="scope_check",
        not_found=GroupNotFound,
    )


def client_get(*, actor: Actor, client_id) -> IntegrationClient:
    """One client in scope, with the timeline, and the health information for roles that may
    see it (`client.health_visible`); audited as a read naming the fields shown."""
    require(actor, Op.CLIENT_VIEW)
    client = in_scope_or_404(
        IntegrationClient.objects.for_actor(actor)
        .select_related("person", "municipality", "responsible_worker", "minor_support")
        .prefetch_related(
            "events",
            "assessments__held_by",
            _PLANS,
            "orientation_groups",
            "guidance_contacts",
            "transfers__to_municipality",
        ),
        client_id,
        actor=actor,
        object_type=OBJECT_TYPE,
        purpose="view",
        not_found=ClientNotFound,
    )
    client.health_visible = can(actor, Op.CLIENT_HEALTH)
    client.orientation = progress(client)
    client.support_end = _support_end(client)
    with rules_snapshot():
        client.due_items = workqueue.sort_items(workqueue.items_for(client, timezone.localdate()))
    shown = RECORD_FIELDS + (HEALTH_FIELDS if client.health_visible else [])
    record_event(
        actor=actor,
        action=AuditEvent.Action.READ,
        object_type=OBJECT_TYPE,
        object_id=client.pk,
        person_id=client.person_id,
        fields=shown,
    )
    return client


@dataclass(frozen=True)
class ClientFilters:
    search: str = ""
    status: str = ""
    mine: bool = False


def client_list(
    *, actor: Actor, filters: ClientFilters = ClientFilters(), limit: int = 200
) -> list[IntegrationClient]:
    """The municipality's clients (optionally the actor's own, a status, a name); one LIST
    event naming every person shown."""
    require(actor, Op.CLIENT_VIEW)
    queryset = IntegrationClient.objects.for_actor(actor).select_related(
        "person", "responsible_worker"
    )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.mine:
        queryset = queryset.filter(responsible_worker=actor.user)
    if filters.search.strip():
        term = filters.search.strip()
        queryset = queryset.filter(
            Q(person__family_name__icontains=term) | Q(person__given_names__icontains=term)
        )
    clients = list(queryset[:limit])
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type=OBJECT_TYPE,
        subject_ids=[c.person_id for c in clients],
        fields=["person", "status", "group", "responsible_worker"],
        detail={"count": len(clients), "mine": filters.mine},
    )
    return clients


def work_queue(
    *, actor: Actor, team: bool = False, today: dt.date | None = None
) -> list[workqueue.DueItem]:
    """What is due for the actor's clients (and the unassigned ones), or for the whole team's
    (a supervisor: `Op.QUEUE_TEAM`); one LIST event naming every client shown."""
    require(actor, Op.CLIENT_VIEW)
    if team:
        require(actor, Op.QUEUE_TEAM)
    today = today or timezone.localdate()
    clients = workqueue.with_queue_data(IntegrationClient.objects.for_actor(actor))
    if not team:
        clients = clients.filter(
            Q(responsible_worker=actor.user) | Q(responsible_worker__isnull=True)
        )
    items: list[workqueue.DueItem] = []
    with rules_snapshot():
        for client in clients[:2000]:
            items.extend(workqueue.items_for(client, today))
    items = workqueue.sort_items(items)
    shown = {i.client.person_id for i in items}
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type=OBJECT_TYPE,
        subject_ids=sorted(shown, key=str),
        fields=["person", "due_items", "responsible_worker"],
        detail={"count": len(items), "team": team, "purpose": "work_queue"},
    )
    return items


def group_list(*, actor: Actor) -> list[OrientationGroup]:
    """The municipality's civic orientation groups with their participant counts (no names:
    not audited as a read of persons)."""
    require(actor, Op.ORIENTATION_MANAGE)
    return list(
        OrientationGroup.objects.for_actor(actor).annotate(
            participant_count=Count("participants", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
    )


def waiting_by_language(*, actor: Actor) -> list[dict]:
    """How many clients wait for a group, by language (counts only: which languages need a
    group)."""
    require(actor, Op.ORIENTATION_MANAGE)
    return list(
        OrientationWaiting.objects.filter(client__in=IntegrationClient.objects.for_actor(actor))
        .values("language")
        .annotate(count=Count("id"), oldest=Min("since"))
        .order_by("-count", "language")
    )


def group_get(*, actor: Actor, group_id) -> OrientationGroup:
    """One group with its sessions, participants and their attendance; audited as a read
    naming every participant shown."""
    require(actor, Op.ORIENTATION_MANAGE)
    group = in_scope_or_404(
        OrientationGroup.objects.for_actor(actor).prefetch_related(
            "sessions__attendances", "participants__person"
        ),
        group_id,
        actor=actor,
        object_type=GROUP,
        purpose="view",
        not_found=GroupNotFound,
    )
    participants = list(group.participants.all())
    group.rows = [{"client": c, "progress": progress(c)} for c in participants]
    record_event(
        actor=actor,
        action=AuditEvent.Action.READ,
        object_type=GROUP,
        object_id=str(group.pk),
        subject_ids=[c.person_id for c in participants],
        fields=["participants", "sessions", "attendance", "hours"],
    )
    return group
