"""The audit log in the Django admin (issue 11, point 5): reading it is a read of personal
data, so only a user with `audit.read_audit_log` sees it, every list page and every event
viewed writes an audit event naming the persons concerned, and other staff are refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from kotopaikka.access.models import User
from kotopaikka.audit.models import AuditEvent
from kotopaikka.people import selectors

pytestmark = pytest.mark.django_db

LIST = reverse("admin:audit_auditevent_changelist")


def _staff(username: str, *, superuser: bool = False, permissions: tuple[str, ...] = ()) -> Client:
    user = User.objects.create_user(
        username=username,
        password="not-used-in-tests-123",
        is_staff=True,
        is_superuser=superuser,
    )
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def listed_persons(helsinki_worker, make_person):
    """Two persons and a list read that names them (an event with `subject_ids`)."""
    persons = [make_person(helsinki_worker) for _ in range(2)]
    selectors.person_list(actor=helsinki_worker)
    return persons


def _after(mark: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=mark).order_by("seq"))


def test_the_admin_list_of_the_audit_log_is_audited_with_the_persons_shown(
    listed_persons, audit_mark
):
    client = _staff("auditor", permissions=("read_audit_log",))
    before = audit_mark()
    response = client.get(LIST)
    assert response.status_code == 200
    [event] = _after(before)
    assert (event.action, event.object_type, event.actor_username) == (
        "list",
        "audit.AuditEvent",
        "auditor",
    )
    assert {str(p.pk) for p in listed_persons} <= set(event.subject_ids.split())
    assert event.detail["events"] and set(event.detail["events"]) <= set(range(1, before + 1))


def test_a_search_in_the_admin_audit_log_is_recorded_with_its_query(listed_persons, audit_mark):
    client = _staff("auditor", superuser=True)
    person = listed_persons[0]
    before = audit_mark()
    assert client.get(LIST, {"q": str(person.pk)}).status_code == 200
    [event] = _after(before)
    assert event.detail["query"] == {"q": str(person.pk)}
    assert str(person.pk) in event.subject_ids.split()


def test_viewing_one_audit_event_in_the_admin_is_audited(listed_persons, audit_mark):
    client = _staff("auditor", superuser=True)
    shown = AuditEvent.objects.filter(action="list").latest("seq")
    before = audit_mark()
    response = client.get(reverse("admin:audit_auditevent_change", args=[shown.pk]))
    assert response.status_code == 200
    [event] = _after(before)
    assert (event.action, event.object_id, event.detail["event"]) == (
        "read",
        str(shown.seq),
        shown.seq,
    )
    assert set(event.subject_ids.split()) == {str(p.pk) for p in listed_persons}


def test_staff_without_the_permission_are_refused_and_the_refusal_audited(
    listed_persons, audit_mark
):
    client = _staff("registry_keeper", permissions=("view_municipality", "change_municipality"))
    index = client.get(reverse("admin:index"))
    assert "registry" in {app["app_label"] for app in index.context["app_list"]}
    assert "audit" not in {app["app_label"] for app in index.context["app_list"]}
    shown = AuditEvent.objects.latest("seq")
    before = audit_mark()
    for url in (LIST, reverse("admin:audit_auditevent_change", args=[shown.pk])):
        assert client.get(url).status_code == 403, url
    events = _after(before)
    assert [(e.action, e.actor_username, e.detail["status"]) for e in events] == [
        ("denied", "registry_keeper", 403)
    ] * 2


def test_nobody_changes_or_deletes_an_event_in_the_admin(listed_persons):
    client = _staff("root", superuser=True)
    event = AuditEvent.objects.latest("seq")
    assert client.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {}).status_code
        == 403
    )
    assert client.get(LIST + "add/").status_code == 403
