"""Moving a client to another municipality: on request and acceptance the record moves, the
old municipality keeps read access to its own entries only, both sides audited; a move
without a request is a notice to both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kotopaikka.audit.models import AuditEvent
from kotopaikka.integration import guidance, selectors, transfers
from kotopaikka.integration.errors import ClientNotFound, TransferNotFound
from kotopaikka.people import services as people
from kotopaikka.registry.models import Municipality

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _contact(actor, client, topic):
    guidance.contact_record(
        actor=actor,
        client_id=client.pk,
        contacted_on=TODAY,
        channel="phone",
        topic=topic,
        minutes=10,
    )


def test_on_acceptance_the_record_moves_and_the_old_side_keeps_its_own_entries(
    arrived, helsinki_worker, espoo_worker, espoo_supervisor
):
    client = arrived[0]
    _contact(helsinki_worker, client, "housing")
    with pytest.raises(ValidationError):
        transfers.transfer_request(
            actor=helsinki_worker, client_id=client.pk, to_municipality="091", moves_on=TODAY
        )
    transfer = transfers.transfer_request(
        actor=helsinki_worker, client_id=client.pk, to_municipality="49", moves_on=TODAY
    )
    with pytest.raises(ValidationError):  # one waiting move at a time
        transfers.transfer_request(
            actor=helsinki_worker, client_id=client.pk, to_municipality="092", moves_on=TODAY
        )
    assert [t.pk for t in transfers.transfers_incoming(actor=espoo_worker)] == [transfer.pk]
    with pytest.raises(TransferNotFound):  # Helsinki cannot accept its own request
        transfers.transfer_decide(actor=helsinki_worker, transfer_id=transfer.pk, accept=True)
    transfers.transfer_decide(actor=espoo_supervisor, transfer_id=transfer.pk, accept=True)
    client.refresh_from_db()
    client.person.refresh_from_db()
    assert client.municipality.code == "049" and client.person.municipality.code == "049"
    assert client.responsible_worker is None
    selectors.client_get(actor=espoo_worker, client_id=client.pk)  # now Espoo's
    with pytest.raises(ClientNotFound):
        selectors.client_get(actor=helsinki_worker, client_id=client.pk)
    _contact(espoo_worker, client, "employment")
    former = transfers.former_client_get(actor=helsinki_worker, client_id=client.pk)
    assert [c.topic for c in former.own_contacts] == ["housing"]  # not Espoo's entry
    sides = AuditEvent.objects.filter(
        object_type=transfers.OBJECT_TYPE, person_id=client.person_id
    ).order_by("seq")
    assert [(e.action, e.organisation_code) for e in sides if e.action != "list"] == [
        ("create", helsinki_worker.organisation.code),
        ("update", espoo_supervisor.organisation.code),
    ]
    with pytest.raises(ClientNotFound):  # a third municipality sees nothing
        transfers.former_client_get(actor=espoo_worker, client_id=arrived[1].pk)


def test_a_declined_move_leaves_the_record(arrived, helsinki_worker, espoo_worker):
    client = arrived[0]
    transfer = transfers.transfer_request(
        actor=helsinki_worker, client_id=client.pk, to_municipality="049", moves_on=TODAY
    )
    transfers.transfer_decide(actor=espoo_worker, transfer_id=transfer.pk, accept=False)
    client.refresh_from_db()
    assert client.municipality.code == "091"
    assert transfers.transfers_incoming(actor=espoo_worker) == []


def test_a_move_without_a_request_is_a_notice_to_both(arrived, helsinki_worker, espoo_worker):
    client = arrived[0]
    people.persons_move_to_municipality(
        actor=helsinki_worker,
        person_ids=[client.person_id],
        municipality=Municipality.objects.get(code="049"),
        reason="self_arranged_move",
    )
    left = transfers.moves_without_request(actor=helsinki_worker)
    arrived_notice = transfers.moves_without_request(actor=espoo_worker)
    assert [c.pk for c in left["left"]] == [client.pk] and left["arrived"] == []
    assert [c.pk for c in arrived_notice["arrived"]] == [client.pk]
