"""Work-queue reminders: one e-mail per worker with overdue items, counts only, no names."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from kotopaikka.integration import reminders
from kotopaikka.integration.models import IntegrationClient

pytestmark = pytest.mark.django_db


def test_a_worker_with_overdue_items_gets_counts_without_names(arrived, helsinki_worker, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    helsinki_worker.user.email = "hanna@example.invalid"
    helsinki_worker.user.save()
    IntegrationClient.objects.filter(pk=arrived[0].pk).update(
        residence_permit_on="2020-01-01",
        client_since="2021-01-01",  # plan long overdue
    )
    mail.outbox.clear()
    call_command("remind_queue")
    [message] = [m for m in mail.outbox if m.to == ["hanna@example.invalid"]]
    assert "myöhässä" in message.body  # Helsinki: Finnish
    for client in arrived:
        assert client.person.family_name not in message.body
    assert reminders.send_queue_reminders() >= 1
