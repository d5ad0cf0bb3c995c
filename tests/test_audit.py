"""Every read and write of a person yields exactly the expected audit event, and the chain
detects tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from kotopaikka.audit.models import AuditEvent, AuditLogIsAppendOnly
from kotopaikka.audit.verify import verify_chain
from kotopaikka.people import selectors, services

from .tampering import drop_append_only_triggers, restore_triggers

pytestmark = pytest.mark.django_db

LIST_FIELDS = ["date_of_birth", "family_name", "given_names", "municipality"]


def new_events(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))


def test_create_writes_one_create_event_with_the_fields_written(
    helsinki_worker, make_person, audit_mark
):
    before = audit_mark()
    person = make_person(helsinki_worker, sex="female")
    [event] = new_events(before)
    assert (event.action, event.person_id, event.object_id) == ("create", person.pk, str(person.pk))
    assert event.actor_username == "helsinki_worker"
    assert (event.organisation_code, event.role) == ("municipality-091", "integration_worker")
    assert {"given_names", "family_name", "identifiers", "sex", "municipality"} <= set(event.fields)


def test_detail_read_writes_one_read_event(helsinki_worker, make_person, audit_mark):
    person = make_person(helsinki_worker)
    before = audit_mark()
    selectors.person_get(actor=helsinki_worker, person_id=person.pk)
    [event] = new_events(before)
    assert event.action == "read" and event.person_id == person.pk
    assert "identifiers" in event.fields and "household" in event.fields


def test_list_writes_one_list_event_naming_each_person_shown(
    helsinki_worker, make_person, audit_mark
):
    shown = [make_person(helsinki_worker) for _ in range(3)]
    before = audit_mark()
    page = selectors.person_list(actor=helsinki_worker)
    [event] = new_events(before)
    assert event.action == "list" and event.fields == LIST_FIELDS
    assert (
        set(event.subject_ids.split())
        == {str(p.pk) for p in shown}
        == {str(p.pk) for p in page.persons}
    )


def test_update_names_only_the_fields_that_changed(helsinki_worker, make_person, audit_mark):
    person = make_person(helsinki_worker)
    before = audit_mark()
    services.person_update(
        actor=helsinki_worker,
        person_id=person.pk,
        changes={"given_names": "Uusi", "nationalities": ["SYR"]},
    )
    [event] = new_events(before)
    assert event.action == "update" and event.fields == ["given_names", "nationalities"]


def test_update_without_changes_writes_nothing(helsinki_worker, make_person, audit_mark):
    person = make_person(helsinki_worker)
    before = audit_mark()
    services.person_update(
        actor=helsinki_worker, person_id=person.pk, changes={"given_names": "Testi"}
    )
    assert new_events(before) == []


def test_delete_writes_one_delete_event(helsinki_supervisor, make_person, audit_mark):
    person = make_person(helsinki_supervisor)
    before = audit_mark()
    services.person_delete(actor=helsinki_supervisor, person_id=person.pk)
    [event] = new_events(before)
    assert event.action == "delete" and event.person_id == person.pk


def test_failed_validation_writes_no_event_and_nothing_else(
    helsinki_worker, make_person, audit_mark
):
    person = make_person(helsinki_worker)
    before = audit_mark()
    with pytest.raises(services.ValidationError):
        services.person_update(
            actor=helsinki_worker,
            person_id=person.pk,
            changes={"given_names": "Ok", "nationalities": ["ZZZ"]},
        )
    assert new_events(before) == []
    person.refresh_from_db()
    assert person.given_names == "Testi"


@pytest.mark.parametrize(
    ("method", "url_name", "expected_action"),
    [
        ("get", "people:detail", "read"),
        ("get", "people:list", "list"),
        ("get", "people:export", "export"),
        ("get", "api-person-detail", "read"),
        ("get", "api-person-list", "list"),
    ],
)
def test_each_page_and_api_read_writes_exactly_one_event_with_request_metadata(
    method, url_name, expected_action, helsinki_worker, make_person, client_for, audit_mark
):
    person = make_person(helsinki_worker)
    kwargs = {"person_id": person.pk} if "detail" in url_name else {}
    client = client_for(helsinki_worker, REMOTE_ADDR="10.1.2.3")
    before = audit_mark()
    response = getattr(client, method)(
        reverse(url_name, kwargs=kwargs), HTTP_X_REQUEST_ID="req-test-000123"
    )
    assert response.status_code == 200
    [event] = new_events(before)
    assert event.action == expected_action
    assert event.client_ip == "10.1.2.3" and event.request_id == "req-test-000123"
    assert event.channel == ("api" if url_name.startswith("api") else "ui")
    assert str(person.pk) in {str(event.person_id), *event.subject_ids.split()}


def test_api_patch_writes_update_then_read_of_the_response(
    helsinki_worker, make_person, client_for, audit_mark
):
    person = make_person(helsinki_worker)
    before = audit_mark()
    response = client_for(helsinki_worker).patch(
        reverse("api-person-detail", kwargs={"person_id": person.pk}),
        {"family_name": "Muutettu"},
        content_type="application/json",
    )
    assert response.status_code == 200
    events = new_events(before)
    assert [e.action for e in events] == ["update", "read"]
    assert events[0].fields == ["family_name"] and "family_name" in events[1].fields


def test_supervisor_sees_who_viewed_and_changed_a_person(
    helsinki_worker, helsinki_supervisor, make_person, client_for
):
    person = make_person(helsinki_worker)
    client_for(helsinki_worker).get(reverse("people:detail", kwargs={"person_id": person.pk}))
    response = client_for(helsinki_supervisor).get(
        reverse("people:access_log", kwargs={"person_id": person.pk})
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("helsinki_worker") >= 2  # created it and viewed it
    api = client_for(helsinki_supervisor).get(
        reverse("api-person-access-log", kwargs={"person_id": person.pk})
    )
    assert {e["action"] for e in api.json()} >= {"create", "read"}


def test_chain_verifies_and_command_reports_success(helsinki_worker, make_person, capsys):
    make_person(helsinki_worker)
    assert verify_chain().ok
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_orm_refuses_to_change_or_delete_events(helsinki_worker, make_person):
    make_person(helsinki_worker)
    event = AuditEvent.objects.latest("seq")
    event.detail = {"forged": True}
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(detail={})
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()


def test_database_refuses_update_and_delete(helsinki_worker, make_person):
    make_person(helsinki_worker)
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET role = 'forged'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.exclude(role="forged").exists()


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE {t} SET actor_username = 'someone_else' WHERE seq = {seq}",
        "UPDATE {t} SET fields = '[]' WHERE seq = {seq}",
        "DELETE FROM {t} WHERE seq = {seq}",
    ],
)
def test_tampering_is_detected_at_the_first_broken_link(tamper, helsinki_worker, make_person):
    for _ in range(3):
        make_person(helsinki_worker)
    target = AuditEvent.objects.order_by("seq")[1].seq
    assert verify_chain().ok
    drop_append_only_triggers()
    try:
        with connection.cursor() as cursor:
            cursor.execute(tamper.format(t=AuditEvent._meta.db_table, seq=target))
        result = verify_chain()
        assert not result.ok and result.broken_seq == target
        with pytest.raises(CommandError, match=f"broken at event {target}"):
            call_command("verify_audit")
    finally:
        restore_triggers()


def test_removing_the_newest_event_is_detected(helsinki_worker, make_person):
    make_person(helsinki_worker)
    newest = AuditEvent.objects.latest("seq").seq
    drop_append_only_triggers()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = {newest}")
        result = verify_chain()
        assert not result.ok and result.broken_seq == newest
    finally:
        restore_triggers()
