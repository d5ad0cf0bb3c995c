"""Moving a client's record to another municipality (issue: on request and acceptance the
record moves; the old municipality keeps read access to its own entries only; both sides
audited), and the moves that happened without a request (the person's municipality of
residence changed while the record stayed), shown to both municipalities as notices."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.scope import in_scope_or_404
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.errors import FieldErrors
from kotopaikka.core.operations import Op
from kotopaikka.people import services as people
from kotopaikka.registry.models import Municipality

from .errors import ClientNotFound, TransferNotFound
from .models import ClientEvent, ClientTransfer, IntegrationClient
from .scope import MUNICIPAL_ROLES
from .services import OBJECT_TYPE as CLIENT
from .services import locked_client, timeline_add

OBJECT_TYPE = "integration.ClientTransfer"


def transfer_request(
    *, actor: Actor, client_id, to_municipality: str, moves_on: dt.date, note: str = ""
) -> ClientTransfer:
    """The client's municipality asks another to take the record over."""
    require(actor, Op.CLIENT_UPDATE)
    errors = FieldErrors()
    target = Municipality.objects.filter(code=(to_municipality or "").strip().zfill(3)).first()
    if target is None:
        errors.add(
            "to_municipality",
            _("No municipality has the code %(code)s.") % {"code": to_municipality},
        )
    if len(note) > 2000:
        errors.add("note", _("At most %(n)s characters.") % {"n": 2000})
    if moves_on > timezone.localdate() + dt.timedelta(days=366):
        errors.add("moves_on", _("At most a year ahead."))
    errors.raise_if_any()
    with locked_client(actor, client_id, "transfer_request") as client:
        if target.pk == client.municipality_id:
            errors.add("to_municipality", _("The client is already this municipality's."))
        if client.transfers.filter(status=ClientTransfer.Status.PENDING).exists():
            errors.add("to_municipality", _("A move of this client is already waiting."))
        errors.raise_if_any()
        transfer = ClientTransfer.objects.create(
            client=client,
            from_municipality_id=client.municipality_id,
            to_municipality=target,
            moves_on=moves_on,
            note=note.strip(),
            requested_by=actor.user.get_username(),
        )
        timeline_add(client, actor, ClientEvent.Kind.TRANSFER, ["requested"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=OBJECT_TYPE,
            object_id=transfer.pk,
            person_id=client.person_id,
            fields=["to_municipality", "moves_on", "note"],
            detail={"from": client.municipality.code, "to": target.code},
        )
    return transfer


def _incoming(actor: Actor):
    return ClientTransfer.objects.filter(
        to_municipality_id=actor.organisation.municipality_id,
        status=ClientTransfer.Status.PENDING,
    )


def transfers_incoming(*, actor: Actor) -> list[ClientTransfer]:
    """Moves waiting for the actor's municipality: the name and date of birth it needs to
    decide; one LIST event naming them."""
    require(actor, Op.CLIENT_UPDATE)
    if actor.organisation.municipality_id is None:
        return []
    transfers = list(_incoming(actor).select_related("client__person", "from_municipality"))
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type=OBJECT_TYPE,
        subject_ids=[t.client.person_id for t in transfers],
        fields=["person", "date_of_birth", "from_municipality", "moves_on", "note"],
        detail={"count": len(transfers), "purpose": "incoming_transfers"},
    )
    return transfers


def transfer_decide_check(*, actor: Actor, transfer_id) -> None:
    """An audited 404 unless the move is waiting for the actor's municipality."""
    require(actor, Op.CLIENT_UPDATE)
    in_scope_or_404(
        _incoming(actor).values_list("pk", flat=True),
        transfer_id,
        actor=actor,
        object_type=OBJECT_TYPE,
        purpose="decide",
        not_found=TransferNotFound,
    )


def transfer_decide(*, actor: Actor, transfer_id, accept: bool) -> ClientTransfer:
    """The new municipality accepts (the record and the person's case become its own, the
    responsible worker is cleared for it to assign) or declines."""
    require(actor, Op.CLIENT_UPDATE)
    pk = in_scope_or_404(
        _incoming(actor).values_list("pk", flat=True),
        transfer_id,
        actor=actor,
        object_type=OBJECT_TYPE,
        purpose="decide",
        not_found=TransferNotFound,
    )
    with transaction.atomic():
        transfer = ClientTransfer.objects.select_for_update().get(pk=pk)
        if transfer.status != ClientTransfer.Status.PENDING:
            raise TransferNotFound()
        client = IntegrationClient.objects.select_for_update().get(pk=transfer.client_id)
        transfer.status = (
            ClientTransfer.Status.ACCEPTED if accept else ClientTransfer.Status.DECLINED
        )
        transfer.decided_by = actor.user.get_username()
        transfer.decided_at = timezone.now()
        transfer.save(update_fields=["status", "decided_by", "decided_at"])
        if accept:
            client.municipality_id = transfer.to_municipality_id
            client.responsible_worker = None
            client.save(update_fields=["municipality", "responsible_worker", "updated_at"])
            people.persons_move_to_municipality(
                actor=actor,
                person_ids=[client.person_id],
                municipality=transfer.to_municipality,
                reason="integration_transfer",
                detail={"transfer": str(transfer.pk)},
            )
        timeline_add(client, actor, ClientEvent.Kind.TRANSFER, [transfer.status])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=transfer.pk,
            person_id=client.person_id,
            fields=["status", "municipality"] if accept else ["status"],
            detail={
                "from": transfer.from_municipality.code,
                "to": transfer.to_municipality.code,
                "accepted": accept,
            },
        )
    return transfer


def former_client_get(*, actor: Actor, client_id) -> IntegrationClient:
    """A client who moved away on an accepted transfer, as the old municipality may still see
    them: the record's identity and only the entries the old municipality made itself."""
    require(actor, Op.CLIENT_VIEW)
    municipality = actor.organisation.municipality_id
    moved_from_us = ClientTransfer.objects.filter(
        client=OuterRef("pk"),
        from_municipality_id=municipality,
        status=ClientTransfer.Status.ACCEPTED,
    )
    scoped = (
        IntegrationClient.objects.filter(Exists(moved_from_us))
        .exclude(municipality_id=municipality)
        .select_related("person", "municipality")
        if municipality and actor.role in MUNICIPAL_ROLES
        else IntegrationClient.objects.none()
    )
    client = in_scope_or_404(
        scoped,
        client_id,
        actor=actor,
        object_type=CLIENT,
        purpose="view_former",
        not_found=ClientNotFound,
    )
    client.own_assessments = list(client.assessments.filter(municipality_id=municipality))
    client.own_plans = list(
        client.plans.filter(municipality_id=municipality).prefetch_related("measures")
    )
    client.own_contacts = list(client.guidance_contacts.filter(municipality_id=municipality))
    record_event(
        actor=actor,
        action=AuditEvent.Action.READ,
        object_type=CLIENT,
        object_id=client.pk,
        person_id=client.person_id,
        fields=["person", "own_assessments", "own_plans", "own_contacts"],
        detail={"former_client": True},
    )
    return client


def moves_without_request(*, actor: Actor) -> dict[str, list[IntegrationClient]]:
    """Clients whose municipality of residence changed while the record stayed: to the
    record's municipality ("left") and to the new one ("arrived"); one LIST event."""
    require(actor, Op.CLIENT_VIEW)
    municipality = actor.organisation.municipality_id
    if municipality is None or actor.role not in MUNICIPAL_ROLES:
        return {"left": [], "arrived": []}
    pending = ClientTransfer.objects.filter(
        client=OuterRef("pk"), status=ClientTransfer.Status.PENDING
    )
    base = (
        IntegrationClient.objects.exclude(Exists(pending))
        .exclude(person__municipality__isnull=True)
        .exclude(person__municipality_id=F("municipality_id"))
        .select_related("person__municipality", "municipality")
    )
    left = list(base.filter(municipality_id=municipality))
    arrived = list(base.filter(Q(person__municipality_id=municipality)))
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type=CLIENT,
        subject_ids=[c.person_id for c in left + arrived],
        fields=["person", "municipality"],
        detail={"purpose": "moves_without_request", "count": len(left) + len(arrived)},
    )
    return {"left": left, "arrived": arrived}


def moved_away_on_request(*, actor: Actor) -> list[ClientTransfer]:
    """The actor's municipality's clients who moved on an accepted request (their former
    records, with the entries it made, stay readable to it); one LIST event."""
    require(actor, Op.CLIENT_VIEW)
    municipality = actor.organisation.municipality_id
    if municipality is None or actor.role not in MUNICIPAL_ROLES:
        return []
    moved = list(
        ClientTransfer.objects.filter(
            from_municipality_id=municipality, status=ClientTransfer.Status.ACCEPTED
        )
        .exclude(client__municipality_id=municipality)
        .select_related("client__person", "to_municipality")[:200]
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type=OBJECT_TYPE,
        subject_ids=[t.client.person_id for t in moved],
        fields=["person", "to_municipality", "moves_on"],
        detail={"count": len(moved), "purpose": "moved_away"},
    )
    return moved
