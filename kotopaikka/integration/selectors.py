"""Reads of integration-client records. Each applies the actor's scope and writes exactly one
audit event; health information is read, and audited as read, only by roles that may."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from kotopaikka.access.policy import Actor, can, require
from kotopaikka.access.scope import in_scope_or_404
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.operations import Op

from .errors import ClientNotFound
from .models import IntegrationClient
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
]
HEALTH_FIELDS = ["functional_capacity", "health_notes"]


def client_get(*, actor: Actor, client_id) -> IntegrationClient:
    """One client in scope, with the timeline, and the health information for roles that may
    see it (`client.health_visible`); audited as a read naming the fields shown."""
    require(actor, Op.CLIENT_VIEW)
    client = in_scope_or_404(
        IntegrationClient.objects.for_actor(actor)
        .select_related("person", "municipality", "responsible_worker")
        .prefetch_related("events"),
        client_id,
        actor=actor,
        object_type=OBJECT_TYPE,
        purpose="view",
        not_found=ClientNotFound,
    )
    client.health_visible = can(actor, Op.CLIENT_HEALTH)
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
