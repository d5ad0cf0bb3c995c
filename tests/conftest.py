"""Shared fixtures: reference data once per session, actors for every role, persons, clients."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db.models import Max
from django.test import Client

from kotopaikka.access.middleware import SESSION_KEY
from kotopaikka.access.models import RoleAssignment, User
from kotopaikka.access.policy import Actor
from kotopaikka.access.roles import Role
from kotopaikka.audit.models import AuditEvent
from kotopaikka.compensation.loader import load_compensation_rules
from kotopaikka.people.services import PersonData, person_create
from kotopaikka.registry.loader import load_registry
from kotopaikka.registry.models import Organisation
from kotopaikka.rules.loader import load_rules

_usernames = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real reference data once; each test's transaction is rolled back over it."""
    with django_db_blocker.unblock():
        load_registry()
        load_rules()
        load_compensation_rules()


@pytest.fixture(autouse=True)
def only_owners_write(request):
    """Fails a test in which project code wrote another app's models (see tests/ownership.py).

    Tests marked `allow_foreign_writes` (the test of this check itself) are exempt.
    """
    from django.db import connections

    from .ownership import WriteRecorder

    recorder = WriteRecorder()
    with connections["default"].execute_wrapper(recorder):
        yield recorder
    if recorder.violations and not request.node.get_closest_marker("allow_foreign_writes"):
        lines = "\n".join(
            f"  {module} wrote {owner}'s table {table}: {sql}"
            for module, owner, table, sql in recorder.violations
        )
        pytest.fail(
            "only the owning app's services write its models; call its service instead:\n" + lines,
            pytrace=False,
        )


_checkpoint_dirs = itertools.count(1)


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path_factory) -> Path:
    """Each test its own audit checkpoint directory (created only when a checkpoint is
    written), so that no test is checked against another's checkpoints."""
    path = tmp_path_factory.getbasetemp() / "checkpoints" / str(next(_checkpoint_dirs))
    settings.KOTOPAIKKA_AUDIT_CHECKPOINT_DIR = str(path)
    return path


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


# One actor fixture per role. Each fixture's username is its own name, so that audit assertions
# can name the actor (e.g. actor_username="helsinki_worker").


@pytest.fixture
def helsinki_worker(make_actor) -> Actor:
    """Integration worker of Helsinki."""
    return make_actor(Role.INTEGRATION_WORKER, "municipality-091", "helsinki_worker")


@pytest.fixture
def espoo_worker(make_actor) -> Actor:
    """Integration worker of Espoo."""
    return make_actor(Role.INTEGRATION_WORKER, "municipality-049", "espoo_worker")


@pytest.fixture
def helsinki_supervisor(make_actor) -> Actor:
    """Municipal supervisor of Helsinki."""
    return make_actor(Role.MUNICIPAL_SUPERVISOR, "municipality-091", "helsinki_supervisor")


@pytest.fixture
def espoo_supervisor(make_actor) -> Actor:
    """Municipal supervisor of Espoo."""
    return make_actor(Role.MUNICIPAL_SUPERVISOR, "municipality-049", "espoo_supervisor")


@pytest.fixture
def uusimaa_officer(make_actor) -> Actor:
    """Placement officer of the Uusimaa elinvoimakeskus."""
    return make_actor(Role.PLACEMENT_OFFICER, "evk-01", "uusimaa_officer")


@pytest.fixture
def north_officer(make_actor) -> Actor:
    """Placement officer of another elinvoimakeskus (Pohjois-Suomi)."""
    return make_actor(Role.PLACEMENT_OFFICER, "evk-09", "north_officer")


@pytest.fixture
def reception_worker(make_actor) -> Actor:
    """Worker of the Joutseno reception centre."""
    return make_actor(Role.RECEPTION_CENTRE_WORKER, "reception-joutseno", "reception_worker")


@pytest.fixture
def keha_handler(make_actor) -> Actor:
    """Compensation handler of the KEHA Centre."""
    return make_actor(Role.COMPENSATION_HANDLER, "keha", "keha_handler")


@pytest.fixture
def analyst(make_actor) -> Actor:
    """Ministry analyst (TEM)."""
    return make_actor(Role.MINISTRY_ANALYST, "tem", "analyst")


@pytest.fixture
def sysadmin(make_actor) -> Actor:
    """System administrator (KEHA)."""
    return make_actor(Role.SYSTEM_ADMIN, "keha", "sysadmin")


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
def make_agreement():
    """make_agreement(officer, code="091", persons=20, ...) -> an agreement on municipal places
    for this year (open-ended from 1 January unless told), saved through the service."""
    from kotopaikka.placement.services import agreement_save

    def make(officer: Actor, code: str = "091", persons: int = 20, **fields):
        year = fields.pop("year", dt.date.today().year)
        return agreement_save(
            actor=officer,
            municipality_code=code,
            valid_from=fields.pop("valid_from", dt.date(year, 1, 1)),
            valid_until=fields.pop("valid_until", None),
            years={year: {"persons": persons, **fields.pop("places", {})}},
            services=fields.pop("services", []),
            accepts_emergency_cases=fields.pop("accepts_emergency_cases", False),
            wellbeing_county_consulted_on=fields.pop("wellbeing_county_consulted_on", None),
            **fields,
        )

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


@pytest.fixture
def compiled_catalogues(tmp_path, settings):
    """Compile the project's .po files (as `compile_translations` does) into a temporary
    LOCALE_PATHS, so translation tests read the catalogues in the repository rather than
    whatever .mo files happen to be on disk."""
    for code, _name in django_settings.LANGUAGES:
        source = Path(django_settings.LOCALE_PATHS[0]) / code / "LC_MESSAGES" / "django.po"
        target = tmp_path / code / "LC_MESSAGES"
        target.mkdir(parents=True)
        polib.pofile(str(source)).save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]  # the setting_changed signal resets Django's caches
    return tmp_path
