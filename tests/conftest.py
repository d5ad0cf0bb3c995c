"""Shared fixtures: reference data once per session, actors for every role, persons, clients."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.cache import cache
from django.db.models import Max
from django.test import Client

from kotopaikka.access.middleware import SESSION_KEY
from kotopaikka.access.models import RoleAssignment, User
from kotopaikka.access.policy import Actor
from kotopaikka.access.roles import Role
from kotopaikka.audit.models import AuditEvent
from kotopaikka.people.services import PersonData, person_create
from kotopaikka.registry.loader import load_registry
from kotopaikka.registry.models import Organisation

_usernames = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real reference data once; each test's transaction is rolled back over it."""
    with django_db_blocker.unblock():
        load_registry()


@pytest.fixture
def make_actor(db):
    """make_actor(role, organisation_code) -> Actor with a fresh user."""

    def make(role: str, organisation_code: str, username: str | None = None) -> Actor:
        user = User.objects.create_user(
            username=username or f"user{next(_usernames)}", password="not-used-in-tests-123"
        )
        assignment = RoleAssignment.objects.create(
            user=user, organisation=Organisation.objects.get(code=organisation_code), role=role
        )
        return Actor(user, assignment)

    return make


#: Actor fixtures: fixture name -> (role, organisation code); the fixture name is also the
#: username, so audit assertions can name the actor.
ACTORS: dict[str, tuple[Role, str]] = {
    "helsinki_worker": (Role.INTEGRATION_WORKER, "municipality-091"),
    "espoo_worker": (Role.INTEGRATION_WORKER, "municipality-049"),
    "helsinki_supervisor": (Role.MUNICIPAL_SUPERVISOR, "municipality-091"),
    "espoo_supervisor": (Role.MUNICIPAL_SUPERVISOR, "municipality-049"),
    "uusimaa_officer": (Role.PLACEMENT_OFFICER, "evk-01"),
    # an officer of another elinvoimakeskus (Pohjois-Suomi, code 09)
    "north_officer": (Role.PLACEMENT_OFFICER, "evk-09"),
    "reception_worker": (Role.RECEPTION_CENTRE_WORKER, "reception-joutseno"),
    "keha_handler": (Role.COMPENSATION_HANDLER, "keha"),
    "analyst": (Role.MINISTRY_ANALYST, "tem"),
    "sysadmin": (Role.SYSTEM_ADMIN, "keha"),
}


def _actor_fixture(name: str, role: Role, organisation_code: str):
    def actor(make_actor) -> Actor:
        return make_actor(role, organisation_code, name)

    actor.__doc__ = f"{role.value} of {organisation_code} (username {name!r})."
    return pytest.fixture(actor, name=name)


for _name, (_role, _organisation_code) in ACTORS.items():
    globals()[_name] = _actor_fixture(_name, _role, _organisation_code)


@pytest.fixture
def clean_cache():
    """An empty cache (rate-limit and throttle counters), emptied again after the test even when
    it fails, so that no counters leak into later tests."""
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def audit_mark():
    """audit_mark() -> seq of the newest AuditEvent (0 if none): events after it have seq > mark."""

    def mark() -> int:
        return AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0

    return mark


_hetu_numbers = itertools.count(900)


def temporary_hetu(birth: dt.date) -> str:
    """A valid identity code in the temporary range (unique per test session)."""
    sign = "-" if birth.year < 2000 else "A"
    individual = next(_hetu_numbers) % 100 + 900
    digits = f"{birth:%d%m%y}{individual:03d}"
    return (
        f"{birth:%d%m%y}{sign}{individual:03d}{'0123456789ABCDEFHJKLMNPRSTUVWXY'[int(digits) % 31]}"
    )


_birthdays = itertools.count(0)


@pytest.fixture
def make_person():
    """make_person(actor, **PersonData fields) -> Person registered through the service."""

    def make(actor: Actor, **fields):
        birth = fields.pop(
            "date_of_birth", dt.date(1980, 1, 1) + dt.timedelta(days=next(_birthdays))
        )
        data = PersonData(
            given_names=fields.pop("given_names", "Testi"),
            family_name=fields.pop("family_name", f"Henkilö{next(_birthdays)}"),
            date_of_birth=birth,
            identifiers=fields.pop("identifiers", [("hetu", temporary_hetu(birth))]),
            nationalities=fields.pop("nationalities", ["AFG"]),
            languages=fields.pop("languages", [("prs", "native")]),
            **fields,
        )
        return person_create(actor=actor, data=data, confirm_possible_duplicate=True)

    return make


@pytest.fixture
def client_for():
    """client_for(actor) -> a logged-in Django test client acting in that role."""

    def make(actor: Actor, **client_kwargs) -> Client:
        client = Client(**client_kwargs)
        client.force_login(actor.user)
        session = client.session
        session[SESSION_KEY] = actor.assignment.pk
        session.save()
        return client

    return make
