"""Synthetic demo data: demo users for every role and made-up persons and households.

Everything made here is synthetic and labelled so (`Person.is_synthetic`, the demo banner).
Identity codes are drawn from the temporary range 900–999, which is never given to real people
in the population information system, so no real person's code can appear.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from kotopaikka.access import services as access_services
from kotopaikka.access.models import User
from kotopaikka.access.policy import Actor
from kotopaikka.access.roles import Role
from kotopaikka.audit.context import command_context
from kotopaikka.people.models import HouseholdMember, Person
from kotopaikka.people.services import PersonData, household_link, person_create

DEMO_PASSWORD = "kotopaikka-demo-2026"  # noqa: S105 - printed for the demo, synthetic users only


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    can_do: str
    is_staff: bool = False


DEMO_USERS = [
    DemoUser(
        "officer",
        "Olli",
        "Ohjaaja",
        Role.PLACEMENT_OFFICER,
        "evk-01",
        "placement officer at Uusimaa elinvoimakeskus: persons waiting or placed in Uusimaa, statistics",
    ),
    DemoUser(
        "helsinki",
        "Hanna",
        "Helsinki",
        Role.INTEGRATION_WORKER,
        "municipality-091",
        "integration worker in Helsinki: Helsinki's clients only",
    ),
    DemoUser(
        "espoo",
        "Eero",
        "Espoo",
        Role.INTEGRATION_WORKER,
        "municipality-049",
        "integration worker in Espoo: Espoo's clients only",
    ),
    DemoUser(
        "supervisor",
        "Sari",
        "Esihenkilö",
        Role.MUNICIPAL_SUPERVISOR,
        "municipality-091",
        "municipal supervisor in Helsinki: clients, deletions, who-viewed log, possible duplicates and merging them",
    ),
    DemoUser(
        "reception",
        "Riku",
        "Vastaanotto",
        Role.RECEPTION_CENTRE_WORKER,
        "reception-joutseno",
        "reception centre worker in Joutseno: the centre's residents",
    ),
    DemoUser(
        "keha",
        "Kaisa",
        "Korvaus",
        Role.COMPENSATION_HANDLER,
        "keha",
        "compensation handler at KEHA: persons with a municipality, compensation fields only",
    ),
    DemoUser(
        "analyst",
        "Antti",
        "Analyytikko",
        Role.MINISTRY_ANALYST,
        "tem",
        "ministry analyst at TEM: statistics and pseudonymised data only",
    ),
    DemoUser(
        "admin",
        "Aino",
        "Ylläpitäjä",
        Role.SYSTEM_ADMIN,
        "keha",
        "system administrator: reference data, users and roles, audit verification, undoing merges",
        is_staff=True,
    ),
]

# Synthetic name pools (common names of the nationalities in recent quotas; not real people).
NAMES = {
    "AFG": (
        ["Ahmad", "Farid", "Zahra", "Maryam", "Hamid", "Nargis", "Omid", "Sima"],
        ["Ahmadi", "Hosseini", "Rahimi", "Karimi", "Sultani"],
        ["prs", "pus"],
        "Arab",
    ),
    "COD": (
        ["Jean", "Grace", "Esther", "Patrick", "Divine", "Moise"],
        ["Mukendi", "Kabongo", "Ilunga", "Tshibangu"],
        ["swa", "lin", "fra"],
        "",
    ),
    "SYR": (
        ["Mohammad", "Fatima", "Omar", "Layla", "Yusuf", "Rania"],
        ["Al-Hassan", "Haddad", "Khalil", "Nasser"],
        ["ara", "kmr"],
        "Arab",
    ),
    "VEN": (
        ["José", "María", "Luis", "Daniela", "Carlos", "Valentina"],
        ["González", "Rodríguez", "Pérez", "Hernández"],
        ["spa"],
        "",
    ),
    "UKR": (
        ["Olena", "Andrii", "Iryna", "Dmytro", "Kateryna", "Oleksandr"],
        ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko"],
        ["ukr", "rus"],
        "Cyrl",
    ),
}

#: (organisation code of the registering user, number of households)
HOUSEHOLDS_BY_ORGANISATION = [
    ("municipality-091", 7),
    ("municipality-049", 5),
    ("evk-01", 5),
    ("reception-joutseno", 4),
]


def temporary_hetu(birth: dt.date, rng: random.Random, used: set[str]) -> str:
    """A valid identity code from the temporary range 900–999 (never a real person's)."""
    sign = {1800: "+", 1900: "-", 2000: "A"}[birth.year // 100 * 100]
    while True:
        individual = rng.randint(900, 999)
        digits = f"{birth:%d%m%y}{individual:03d}"
        check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]
        code = f"{birth:%d%m%y}{sign}{individual:03d}{check}"
        if code not in used:
            used.add(code)
            return code


def _actor(username: str) -> Actor:
    user = User.objects.get(username=username)
    return Actor(user, user.role_assignments.select_related("organisation").get())


def ensure_demo_users() -> list[DemoUser]:
    for spec in DEMO_USERS:
        user, _created = access_services.user_ensure(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            password=DEMO_PASSWORD,
            is_staff=spec.is_staff,
        )
        access_services.role_grant(user=user, organisation_code=spec.organisation, role=spec.role)
    return DEMO_USERS


def _random_birth(rng: random.Random, min_age: int, max_age: int) -> dt.date:
    today = dt.date(2026, 1, 1)
    return today - dt.timedelta(days=rng.randint(min_age * 365, max_age * 365))


@transaction.atomic
def seed_synthetic_persons(seed: int = 2026) -> int:
    """Create synthetic households through the normal services (so they are audited too)."""
    if Person.objects.filter(is_synthetic=True).exists():
        return 0
    rng = random.Random(seed)
    used: set[str] = set()
    org_users = {spec.organisation: spec.username for spec in DEMO_USERS}
    created = 0
    with command_context("cli"):
        for org_code, households in HOUSEHOLDS_BY_ORGANISATION:
            actor = _actor(org_users[org_code])
            for _ in range(households):
                nationality = rng.choice(sorted(NAMES))
                given, family_names, languages, _script = NAMES[nationality]
                family = rng.choice(family_names)
                size = rng.choice([1, 2, 3, 4, 5, 6])
                members: list[tuple[Person, str]] = []
                first_names = rng.sample(given, size)  # no two members share a given name
                for index in range(size):
                    adult = index < 2 or size == 1
                    birth = _random_birth(rng, 19, 60) if adult else _random_birth(rng, 0, 17)
                    year_only = rng.random() < 0.15
                    identifiers = [
                        ("unhcr", f"147-{rng.randint(10, 99)}C{rng.randint(10000, 99999)}")
                    ]
                    if org_code.startswith("municipality"):
                        identifiers.append(("hetu", temporary_hetu(birth, rng, used)))
                    data = PersonData(
                        given_names=first_names[index],
                        family_name=family,
                        date_of_birth=birth,
                        birth_date_precision="year"
                        if year_only and "hetu" not in dict(identifiers)
                        else "day",
                        sex=rng.choice(["female", "male"]),
                        identifiers=identifiers,
                        nationalities=[nationality],
                        languages=[(languages[0], "native")]
                        + [(lang, "good") for lang in languages[1:2]],
                        other_names=[],
                    )
                    person = person_create(
                        actor=actor, data=data, confirm_possible_duplicate=True, is_synthetic=True
                    )
                    relation = (
                        HouseholdMember.Relation.SPOUSE
                        if index == 1 and adult
                        else HouseholdMember.Relation.CHILD
                    )
                    members.append((person, relation))
                    created += 1
                head = members[0][0]
                for person, relation in members[1:]:
                    household_link(
                        actor=actor, person_id=head.pk, relative_id=person.pk, relation=relation
                    )
    return created


#: One man registered twice in Helsinki with his name spelt two ways (and a second spelling
#: of another's name that is a different person): what the supervisor's list of possible
#: duplicates finds and what a merge joins. All synthetic.
DUPLICATE_PAIR = (
    ("Mohammed", "Al-Hassan", [("hetu", None), ("unhcr", "147-23C40001")], "محمد الحسن"),
    ("Muhammad", "Alhassan", [("migri", "90000101")], ""),
    ("Mahmoud", "Al-Hassan", [("unhcr", "147-23C40002")], ""),  # not a duplicate
)


def seed_duplicates(seed: int = 2026) -> int:
    """Seed the possible duplicate for the supervisor (idempotent: once)."""
    if Person.objects.filter(is_synthetic=True, family_name="Alhassan").exists():
        return 0
    rng = random.Random(seed)
    birth = dt.date(1988, 3, 14)
    actor = _actor("helsinki")
    with command_context("cli"):
        for given, family, identifiers, other_name in DUPLICATE_PAIR:
            person_create(
                actor=actor,
                data=PersonData(
                    given_names=given,
                    family_name=family,
                    date_of_birth=birth,
                    sex="male",
                    identifiers=[
                        (kind, value or temporary_hetu(birth, rng, set()))
                        for kind, value in identifiers
                    ],
                    nationalities=["SYR"],
                    languages=[("ara", "native")],
                    other_names=[(other_name, "Arab")] if other_name else [],
                ),
                confirm_possible_duplicate=True,
                is_synthetic=True,
            )
    return len(DUPLICATE_PAIR)
