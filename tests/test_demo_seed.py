"""The demo loader goes through the owning apps' services only (the write check in
tests/conftest.py fails this test otherwise), labels everything synthetic, and is idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from kotopaikka.access.models import User
from kotopaikka.integration import selectors as integration
from kotopaikka.integration.models import IntegrationClient, IntegrationPlan, OrientationGroup
from kotopaikka.integration.workqueue import ItemState
from kotopaikka.people.models import Person
from kotopaikka.placement.models import PlacementAgreement, PlacementCase

pytestmark = pytest.mark.django_db


def test_seed_demo_writes_through_services_and_twice_adds_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Person.objects.count(), PlacementCase.objects.count())
    assert counts[1] > 0 and counts[2] > 0
    assert not Person.objects.filter(is_synthetic=False).exists()
    assert not PlacementCase.objects.filter(is_synthetic=False).exists()
    assert not PlacementAgreement.objects.filter(is_synthetic=False).exists()
    assert User.objects.get(username="helsinki").check_password("kotopaikka-demo-2026")

    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Person.objects.count(), PlacementCase.objects.count()) == counts


def test_the_demo_has_integration_clients_at_every_stage_and_a_queue_with_overdue_items():
    call_command("seed_demo", stdout=io.StringIO())
    clients = IntegrationClient.objects.all()
    assert clients.exists() and not clients.filter(person__is_synthetic=False).exists()
    assert IntegrationPlan.objects.exists()
    assert OrientationGroup.objects.values("language").distinct().count() >= 3
    from kotopaikka.portal.demo import _actor

    states = {i.state for i in integration.work_queue(actor=_actor("helsinki"))}
    assert {ItemState.OVERDUE, ItemState.RULE_UNSET} <= states
    before = (clients.count(), IntegrationPlan.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (IntegrationClient.objects.count(), IntegrationPlan.objects.count()) == before


def test_the_demo_has_a_possible_duplicate_for_the_supervisor():
    from kotopaikka.people.selectors import possible_duplicates
    from kotopaikka.portal.demo import _actor

    call_command("seed_demo", stdout=io.StringIO())
    pairs = possible_duplicates(actor=_actor("supervisor"))
    names = {(p.first.family_name, p.second.family_name) for p in pairs}
    assert ("Al-Hassan", "Alhassan") in names
    assert all("Mahmoud" not in (p.first.given_names, p.second.given_names) for p in pairs)
