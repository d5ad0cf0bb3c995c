"""A municipality's integration worker cannot open another municipality's client by URL."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kotopaikka.audit.models import AuditEvent
from kotopaikka.people.models import Person

HELSINKI = "091"


@pytest.fixture
def helsinki_person(kp_server) -> Person:
    person = (
        Person.objects.select_related("municipality")
        .filter(municipality__code=HELSINKI, is_synthetic=True)
        .order_by("family_name", "given_names", "id")
        .first()
    )
    assert person is not None, "the demo seed should hold Helsinki clients"
    # The negative test relies on the name never appearing for unrelated reasons.
    assert len(person.family_name) >= 4
    return person


@pytest.mark.browser
def test_espoo_worker_gets_404_for_helsinki_client_and_attempt_is_audited(
    page, log_in, helsinki_person, audit_mark
):
    log_in(page, "espoo")
    since = audit_mark()

    response = page.goto(f"/persons/{helsinki_person.pk}/")

    assert response is not None
    assert response.status == 404
    content = page.content()
    assert helsinki_person.family_name not in content
    assert helsinki_person.given_names not in content

    new_events = AuditEvent.objects.filter(seq__gt=since)
    denied = new_events.filter(
        action=AuditEvent.Action.DENIED, actor_username="espoo", person_id=helsinki_person.pk
    )
    assert denied.count() == 1, list(new_events.values("action", "actor_username", "person_id"))
    assert not new_events.filter(
        action=AuditEvent.Action.READ, person_id=helsinki_person.pk
    ).exists()


@pytest.mark.browser
def test_helsinki_worker_opens_the_same_client(page, log_in, helsinki_person, audit_mark):
    """Positive control: the URL and the person are right, so the 404 above is the scope."""
    log_in(page, "helsinki")
    since = audit_mark()

    response = page.goto(f"/persons/{helsinki_person.pk}/")

    assert response is not None
    assert response.status == 200
    expect(page.locator("main")).to_contain_text(helsinki_person.family_name)
    read = AuditEvent.objects.filter(
        seq__gt=since,
        action=AuditEvent.Action.READ,
        actor_username="helsinki",
        person_id=helsinki_person.pk,
    )
    assert read.count() == 1
