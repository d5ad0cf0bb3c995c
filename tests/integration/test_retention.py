"""Retention: nothing is listed while the rule is unset; with a value, records past it are
listed and deleted with an audit trace that names no person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kotopaikka.audit.models import AuditEvent
from kotopaikka.integration import retention, services
from kotopaikka.integration.models import IntegrationClient
from kotopaikka.rules.errors import RuleNotSet
from kotopaikka.rules.models import LegalRule

pytestmark = pytest.mark.django_db


def _close(supervisor, client, ended_on):
    services.client_update(
        actor=supervisor, client_id=client.pk, data=services.ClientData(status="closed")
    )
    IntegrationClient.objects.filter(pk=client.pk).update(ended_on=ended_on)


def test_retention_refuses_until_the_rule_is_set_then_deletes_without_personal_data(
    arrived, helsinki_supervisor, helsinki_worker
):
    old, recent = arrived
    _close(helsinki_supervisor, old, dt.date(2025, 2, 1))
    _close(helsinki_supervisor, recent, dt.date.today())
    with pytest.raises(RuleNotSet):
        retention.retention_due(actor=helsinki_supervisor)
    LegalRule.objects.filter(key=retention.RULE).update(value=1)
    with pytest.raises(PermissionDenied):
        retention.retention_due(actor=helsinki_worker)
    assert [c.pk for c in retention.retention_due(actor=helsinki_supervisor)] == [old.pk]
    with pytest.raises(ValidationError):  # the recent one is not due
        retention.retention_delete(actor=helsinki_supervisor, client_ids=[recent.pk])
    person_id = old.person_id
    assert retention.retention_delete(actor=helsinki_supervisor, client_ids=[old.pk]) == 1
    assert not IntegrationClient.objects.filter(pk=old.pk).exists()
    event = AuditEvent.objects.get(action="delete", object_type=services.OBJECT_TYPE)
    assert event.person_id is None and str(person_id) not in str(event.detail)
    assert old.person.family_name not in str(event.detail)


def test_closing_sets_and_reopening_clears_the_end(arrived, helsinki_supervisor):
    client = arrived[0]
    services.client_update(
        actor=helsinki_supervisor, client_id=client.pk, data=services.ClientData(status="closed")
    )
    client.refresh_from_db()
    assert client.ended_on == dt.date.today()
    services.client_update(
        actor=helsinki_supervisor, client_id=client.pk, data=services.ClientData(status="received")
    )
    client.refresh_from_db()
    assert client.ended_on is None
