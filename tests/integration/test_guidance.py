"""Guidance contacts: with a client (audited, on the timeline) and anonymous (counts only,
no person), and the statistics by topic limited to the municipality."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kotopaikka.audit.models import AuditEvent
from kotopaikka.integration import guidance

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_a_contact_is_checked_audited_and_counted(arrived, helsinki_worker, espoo_worker):
    client = arrived[0]
    with pytest.raises(ValidationError) as error:
        guidance.contact_record(
            actor=helsinki_worker,
            client_id=client.pk,
            contacted_on=TODAY + dt.timedelta(days=1),
            channel="pigeon",
            topic="housing",
            minutes=0,
        )
    assert set(error.value.message_dict) == {"contacted_on", "channel", "minutes"}
    guidance.contact_record(
        actor=helsinki_worker,
        client_id=client.pk,
        contacted_on=TODAY,
        channel="phone",
        topic="housing",
        minutes=25,
        interpreter_used=True,
    )
    event = AuditEvent.objects.get(object_type=guidance.OBJECT_TYPE)
    assert event.person_id == client.person_id
    assert "guidance" in [e.kind for e in client.events.all()]
    guidance.anonymous_contact_record(
        actor=helsinki_worker, contacted_on=TODAY, channel="in_person", topic="housing", count=4
    )
    rows = {r["code"]: r for r in guidance.statistics(actor=helsinki_worker, year=TODAY.year)}
    housing = rows["housing"]
    assert (housing["contacts"], housing["minutes"], housing["anonymous"]) == (1, 25, 4)
    espoo = {r["code"]: r for r in guidance.statistics(actor=espoo_worker, year=TODAY.year)}
    assert (espoo["housing"]["contacts"], espoo["housing"]["anonymous"]) == (0, 0)


def test_the_pages_record_contacts(arrived, helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    url = reverse("integration:contact_add", args=[arrived[0].pk])
    data = {
        "contact-contacted_on": str(TODAY),
        "contact-channel": "video",
        "contact-topic": "employment",
        "contact-minutes": "40",
    }
    assert client.post(url, data).status_code == 302
    assert arrived[0].guidance_contacts.count() == 1
    page = client.post(
        reverse("integration:guidance"),
        {"contacted_on": str(TODAY), "channel": "phone", "topic": "other", "count": "2"},
    )
    assert page.status_code == 302
    stats = client.get(reverse("integration:guidance"))
    assert stats.status_code == 200
