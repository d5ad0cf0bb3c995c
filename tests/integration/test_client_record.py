"""The integration-client record: received with the arrival's dates and group, edited with
checks by field, health information seen only by the roles that need it, every read and
change audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kotopaikka.audit.models import AuditEvent
from kotopaikka.integration import services
from kotopaikka.integration.models import IntegrationClient
from kotopaikka.placement import services as placement

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_the_arrival_makes_each_member_a_client_with_its_dates_and_group(arrived):
    assert arrived.count() == 2
    for client in arrived:
        assert client.group == IntegrationClient.Group.QUOTA_REFUGEE  # from the case's kind
        assert client.arrived_on == TODAY - dt.timedelta(days=10)
        assert client.first_residence_date == TODAY - dt.timedelta(days=5)
        assert client.residence_permit_on == TODAY - dt.timedelta(days=60)
        assert [e.kind for e in client.events.all()] == ["received"]


def test_an_unregistered_municipality_of_residence_is_left_empty_not_guessed(
    uusimaa_officer, helsinki_worker, make_person, make_agreement
):
    make_agreement(uusimaa_officer)
    case = placement.case_create(
        actor=uusimaa_officer,
        data=placement.CaseData(reference="147-40000002", members=[placement.MemberData(30)]),
    )
    member = case.members.get()
    member.person = make_person(uusimaa_officer)
    member.save()
    proposal = placement.proposal_create(
        actor=uusimaa_officer, case_id=case.pk, municipality_code="091"
    )
    placement.proposal_decide(actor=helsinki_worker, proposal_id=proposal.pk, accept=True)
    placement.placement_decide(actor=uusimaa_officer, proposal_id=proposal.pk)
    placement.arrival_record(actor=helsinki_worker, proposal_id=proposal.pk, arrived_on=TODAY)
    client = IntegrationClient.objects.get(person=member.person)
    assert client.first_residence_date is None and client.arrived_on == TODAY


def test_updates_are_checked_by_field_and_nothing_is_half_written(
    arrived, helsinki_worker, espoo_worker
):
    client = arrived.first()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.client_update(
            actor=helsinki_worker,
            client_id=client.pk,
            data=services.ClientData(
                status="alien",
                email="not-an-address",
                interpreter_language="xx1",
                responsible_worker_id=espoo_worker.user.pk,
                first_residence_date=TODAY - dt.timedelta(days=100),
                phone="040 123",
            ),
        )
    assert set(refused.value.message_dict) == {
        "status",
        "email",
        "interpreter_language",
        "responsible_worker",
        "first_residence_date",
    }
    client.refresh_from_db()
    assert client.phone == ""


def test_an_update_names_the_changed_fields_in_the_audit_log_and_the_timeline(
    arrived, helsinki_worker, helsinki_supervisor, audit_mark
):
    client = arrived.first()
    before = audit_mark()
    services.client_update(
        actor=helsinki_supervisor,
        client_id=client.pk,
        data=services.ClientData(
            status="assessment", responsible_worker_id=helsinki_worker.user.pk, phone="040 123"
        ),
    )
    event = AuditEvent.objects.get(seq__gt=before)
    assert (event.action, event.person_id) == ("update", client.person_id)
    assert event.fields == ["phone", "responsible_worker", "status"]
    assert client.events.first().fields == ["phone", "responsible_worker", "status"]


@pytest.mark.parametrize(
    ("role", "page", "health"),
    [
        ("helsinki_worker", 200, True),
        ("helsinki_supervisor", 200, True),
        ("espoo_worker", 404, False),
        ("uusimaa_officer", 403, False),
        ("reception_worker", 403, False),
        ("keha_handler", 403, False),
        ("analyst", 403, False),
        ("sysadmin", 403, False),
    ],
)
def test_the_client_record_and_its_health_information_by_role(
    role, page, health, arrived, request, client_for, helsinki_worker
):
    client = arrived.first()
    services.client_health_update(
        actor=helsinki_worker,
        client_id=client.pk,
        functional_capacity="Walks with a stick",
        health_notes="Diabetes",
    )
    actor = request.getfixturevalue(role)
    http = client_for(actor)
    response = http.get(reverse("integration:client", args=[client.pk]))
    assert response.status_code == page
    assert (b"Diabetes" in response.content) is health
    health_page = http.get(reverse("integration:client_health", args=[client.pk]))
    assert health_page.status_code == (200 if health else page if page != 200 else 403)
    if page == 200:
        read = AuditEvent.objects.filter(action="read", object_id=str(client.pk)).latest("seq")
        assert ("health_notes" in read.fields) is health


def test_the_health_change_is_on_the_timeline_without_its_content(arrived, helsinki_worker):
    client = arrived.first()
    services.client_health_update(
        actor=helsinki_worker, client_id=client.pk, functional_capacity="", health_notes="Asthma"
    )
    assert client.events.first().kind == "health"
    assert "Asthma" not in str(list(client.events.values()))


def test_the_pages_list_and_edit_clients(arrived, helsinki_worker, client_for):
    http = client_for(helsinki_worker)
    listing = http.get(reverse("integration:clients"))
    assert listing.status_code == 200
    assert all(f'data-testid="client-{c.pk}"' in listing.content.decode() for c in arrived)
    client = arrived.first()
    url = reverse("integration:client_edit", args=[client.pk])
    form = http.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(status="assessment", responsible_worker=helsinki_worker.user.pk)
    data["interpreter_needed"] = ""  # unticked
    data.pop("interpreter_needed")
    response = http.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    client.refresh_from_db()
    assert (client.status, client.responsible_worker_id) == ("assessment", helsinki_worker.user.pk)
    # the dates saved untouched stay as they were
    assert client.first_residence_date == TODAY - dt.timedelta(days=5)
