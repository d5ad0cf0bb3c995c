"""`access.scope.locked_in_scope`, the one helper for "check scope, then lock and change".

The rule it carries: a refusal's `denied` event is written outside the refused change's
transaction, so it is kept although the change is rolled back.
"""

from __future__ import annotations

import pytest

from kotopaikka.access import scope
from kotopaikka.audit.models import AuditEvent
from kotopaikka.people.errors import PersonNotFound
from kotopaikka.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def helsinki_person(helsinki_worker, make_person) -> Person:
    return make_person(helsinki_worker)


def _locked(actor, person_id, purpose="test"):
    return scope.locked_in_scope(
        Person.objects.for_actor(actor),
        person_id,
        actor=actor,
        object_type="people.Person",
        purpose=purpose,
        not_found=PersonNotFound,
        person=True,
    )


def _denials(person_id) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, person_id=person_id))


def test_a_person_in_scope_is_locked_and_changed(helsinki_worker, helsinki_person):
    with _locked(helsinki_worker, helsinki_person.pk) as person:
        person.family_name = "Changed"
        person.save(update_fields=["family_name"])
    assert Person.objects.get(pk=helsinki_person.pk).family_name == "Changed"


def test_a_refusal_is_audited_once_and_its_event_survives_the_refused_change(
    espoo_worker, helsinki_person
):
    with pytest.raises(PersonNotFound), _locked(espoo_worker, helsinki_person.pk):
        pytest.fail("the body must not run for a person out of scope")
    denials = _denials(helsinki_person.pk)
    assert len(denials) == 1
    assert denials[0].actor_username == "espoo_worker"
    assert denials[0].detail["purpose"] == "test"


def test_a_change_that_fails_rolls_back_but_nothing_else(helsinki_worker, helsinki_person):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), _locked(helsinki_worker, helsinki_person.pk) as person:
        person.family_name = "Half-written"
        person.save(update_fields=["family_name"])
        raise RuntimeError("the change fails half-way")
    assert Person.objects.get(pk=helsinki_person.pk).family_name != "Half-written"
    assert AuditEvent.objects.count() == before


def test_an_object_gone_between_check_and_lock_is_refused_and_audited(
    helsinki_worker, helsinki_person, monkeypatch
):
    real = scope.in_scope_or_404

    def check_then_someone_deletes_it(*args, **kwargs):
        found = real(*args, **kwargs)
        Person.objects.filter(pk=helsinki_person.pk).delete()
        return found

    monkeypatch.setattr(scope, "in_scope_or_404", check_then_someone_deletes_it)
    with pytest.raises(PersonNotFound), _locked(helsinki_worker, helsinki_person.pk):
        pytest.fail("the body must not run for a person deleted meanwhile")
    assert len(_denials(helsinki_person.pk)) == 1


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "0b8a6a1e-3f55-4d38-9a56-6f1b2c3d4e5f", ""])
def test_malformed_and_unknown_ids_are_the_same_audited_404(helsinki_worker, bad_id):
    before = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count()
    with pytest.raises(PersonNotFound), _locked(helsinki_worker, bad_id):
        pass
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == before + 1
