"""The check that only the owning app writes its models (tests/ownership.py) catches a write by
another app's code, and leaves alone what it should."""

from __future__ import annotations

import pytest
from django.db import connections

from kotopaikka.people.models import Person

from .ownership import WriteRecorder

pytestmark = pytest.mark.django_db

FOREIGN_WRITE = """
def move(person, municipality):
    person.municipality = municipality
    person.save(update_fields=["municipality"])
"""


def _as_module(name: str):
    """A function whose code runs as if it were in module `name`."""
    namespace: dict = {"__name__": name}
    exec(compile(FOREIGN_WRITE, f"<{name}>", "exec"), namespace)  # noqa: S102 - fixed test code
    return namespace["move"]


@pytest.mark.allow_foreign_writes
def test_a_write_to_peoples_table_from_placement_code_is_a_violation(helsinki_worker, make_person):
    from kotopaikka.registry.models import Municipality

    person = make_person(helsinki_worker)
    espoo = Municipality.objects.get(code="049")
    recorder = WriteRecorder()
    with connections["default"].execute_wrapper(recorder):
        _as_module("kotopaikka.people.services")(person, espoo)  # the owner: allowed
        assert recorder.violations == []
        _as_module("kotopaikka.placement.services")(person, espoo)  # another app: refused
    assert [(module, owner, table) for module, owner, table, _sql in recorder.violations] == [
        ("kotopaikka.placement.services", "people", "people_person")
    ]


def test_writes_from_tests_and_cascades_are_not_violations(helsinki_supervisor, make_person):
    from kotopaikka.people import services

    person = make_person(helsinki_supervisor)
    recorder = WriteRecorder()
    with connections["default"].execute_wrapper(recorder):
        Person.objects.filter(pk=person.pk).update(family_name="Test")  # test code
        services.person_delete(actor=helsinki_supervisor, person_id=person.pk)  # cascades
    assert recorder.violations == []
