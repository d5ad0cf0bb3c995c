"""Synthetic placement demo data: agreements for about 200 municipalities, a queue of waiting
cases and past placements, all labelled synthetic and made through the normal services.

The places are invented (no per-municipality placement data is public); they scale with the
real population so that the map and the dashboard look like a plausible year.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from kotopaikka.access import services as access_services
from kotopaikka.access.models import RoleAssignment
from kotopaikka.access.policy import Actor
from kotopaikka.access.roles import Role
from kotopaikka.audit.context import command_context
from kotopaikka.placement import services
from kotopaikka.placement.models import Need, PlacementAgreement, PlacementCase
from kotopaikka.registry.models import Municipality, Organisation

SEED_USERNAME = "demo-seed"
AGREEMENT_COUNT = 200
NATIONALITIES = ["AFG", "COD", "SYR", "VEN", "ERI", "SOM", "UKR"]
LANGUAGES = {
    "AFG": ["prs", "pus"],
    "COD": ["swa", "lin"],
    "SYR": ["ara"],
    "VEN": ["spa"],
    "ERI": ["tir"],
    "SOM": ["som"],
    "UKR": ["ukr"],
}


def _seed_actor(organisation: Organisation, role: str = Role.PLACEMENT_OFFICER) -> Actor:
    """The demo loader acts as a separate, login-less user so the audit log says who did it."""
    user, _created = access_services.user_ensure(
        username=SEED_USERNAME, first_name="Demo", last_name="data loader", is_active=False
    )
    assignment = RoleAssignment(
        user=user, organisation=organisation, role=role
    )  # not saved: no login role
    return Actor(user, assignment)


def _authority_org(municipality: Municipality, today: dt.date) -> Organisation:
    return municipality.regional_authority_on(today).organisation


def _members(rng: random.Random, nationality: str) -> list[services.MemberData]:
    size = rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[30, 12, 14, 16, 12, 10, 6])[0]
    members = []
    for index in range(size):
        adult = index < min(2, size) if size > 1 else True
        age = rng.randint(19, 58) if adult else rng.randint(0, 17)
        members.append(
            services.MemberData(
                age=age,
                sex=rng.choice(["female", "male"]),
                education_years=rng.randint(0, 16) if age >= 7 else None,
                work_experience_years=rng.randint(0, max(0, age - 18)) if age >= 18 else None,
                languages=LANGUAGES[nationality][: rng.randint(1, len(LANGUAGES[nationality]))],
                literate=rng.random() > 0.25 if age >= 7 else None,
            )
        )
    return members


def _case(
    actor: Actor, rng: random.Random, number: int, today: dt.date, kind: str = "quota"
) -> PlacementCase:
    nationality = rng.choice(NATIONALITIES)
    ties = sorted(
        rng.sample(
            ["091", "049", "092", "837", "853", "564", "179", "405", "297"], k=rng.choice([0, 0, 1])
        )
    )
    needs = [
        n
        for n, p in ((Need.SPECIALISED_HEALTH_CARE, 0.12), (Need.ACCESSIBLE_DWELLING, 0.06))
        if rng.random() < p
    ]
    return services.case_create(
        actor=actor,
        data=services.CaseData(
            reference=f"147-{number:08d}" if kind == "quota" else f"VOK-{number:06d}",
            kind=kind,
            members=_members(rng, nationality),
            emergency=kind == "quota" and rng.random() < 0.08,
            nationality=nationality,
            needs=needs,
            ties=ties,
            received_on=today - dt.timedelta(days=rng.randint(3, 160)),
        ),
        is_synthetic=True,
    )


@transaction.atomic
def seed_placement(seed: int = 2026) -> dict[str, int]:
    """Create the synthetic placement data once (skipped when synthetic agreements exist)."""
    if PlacementAgreement.objects.filter(is_synthetic=True).exists():
        return {}
    rng = random.Random(seed)
    today = timezone.localdate()
    municipalities = list(
        Municipality.objects.select_related("region").prefetch_related("regional_authorities")
    )
    # Larger municipalities nearly always agree to places; smaller ones sometimes do.
    by_size = sorted(municipalities, key=lambda m: -m.population)
    chosen = by_size[:80] + rng.sample(by_size[80:], AGREEMENT_COUNT - 80)
    counts = {"agreements": 0, "cases": 0, "proposals": 0, "arrivals": 0, "declined": 0}
    with command_context("cli"):
        for municipality in chosen:
            persons = max(
                5, min(400, round(municipality.population / 1500 * rng.uniform(0.6, 1.4)))
            )
            actor = _seed_actor(_authority_org(municipality, today))
            services.agreement_save(
                actor=actor,
                municipality_code=municipality.code,
                valid_from=dt.date(today.year - 1, 1, 1),
                valid_until=dt.date(today.year + 1, 12, 31),
                years={
                    year: {
                        "persons": persons,
                        "cases": None,
                        "large_family_dwellings": max(1, persons // 15),
                        "unaccompanied_minor_places": 4
                        if municipality.population > 50_000
                        else None,
                        "emergency_places": max(1, persons // 20),
                    }
                    for year in (today.year - 1, today.year, today.year + 1)
                },
                services=[
                    n
                    for n, p in (
                        (Need.SPECIALISED_HEALTH_CARE, municipality.population / 60_000),
                        (Need.ACCESSIBLE_DWELLING, 0.5),
                        (
                            Need.UNACCOMPANIED_MINOR_HOUSING,
                            1 if municipality.population > 50_000 else 0,
                        ),
                        (Need.SWEDISH_SCHOOLING, 1 if municipality.language_status != "fi" else 0),
                    )
                    if rng.random() < p
                ],
                accepts_emergency_cases=municipality.population > 20_000,
                wellbeing_county_consulted_on=dt.date(today.year - 2, 11, rng.randint(1, 28)),
                is_synthetic=True,
            )
            counts["agreements"] += 1

        with_agreement = [m for m in chosen]
        number = 10_000_000
        for organisation in Organisation.objects.filter(
            kind=Organisation.Kind.REGIONAL_AUTHORITY, is_active=True
        ):
            officer = _seed_actor(organisation)
            area = [
                m
                for m in with_agreement
                if organisation.regional_authority in m.regional_authorities.all()
            ]
            queue_size = 25 if organisation.code == "evk-01" else 6
            for _ in range(queue_size):
                number += 1
                _case(officer, rng, number, today)
                counts["cases"] += 1
            # Past placements: proposed, decided by the municipality, some arrived.
            for _ in range(12 if organisation.code == "evk-01" else 5):
                number += 1
                case = _case(officer, rng, number, today)
                counts["cases"] += 1
                targets = [m for m in area if m.code not in ("091",)] or area
                municipality = rng.choice(targets)
                try:
                    proposal = services.proposal_create(
                        actor=officer, case_id=case.pk, municipality_code=municipality.code
                    )
                except services.ValidationError:  # CapacityExceeded included
                    continue
                counts["proposals"] += 1
                worker = _seed_actor(municipality.organisation, Role.INTEGRATION_WORKER)
                if rng.random() < 0.2:
                    services.proposal_decide(
                        actor=worker, proposal_id=proposal.pk, accept=False, reason="no_housing"
                    )
                    counts["declined"] += 1
                    continue
                services.proposal_decide(actor=worker, proposal_id=proposal.pk, accept=True)
                services.placement_decide(actor=officer, proposal_id=proposal.pk)
                if rng.random() < 0.7:
                    services.arrival_record(
                        actor=worker,
                        proposal_id=proposal.pk,
                        arrived_on=today - dt.timedelta(days=rng.randint(1, 90)),
                    )
                    counts["arrivals"] += 1
        # Something for the Helsinki demo users to decide.
        officer = _seed_actor(Organisation.objects.get(code="evk-01"))
        for _ in range(3):
            number += 1
            case = _case(officer, rng, number, today)
            counts["cases"] += 1
            try:
                services.proposal_create(actor=officer, case_id=case.pk, municipality_code="091")
                counts["proposals"] += 1
            except services.ValidationError:  # CapacityExceeded included
                pass
        reception = Organisation.objects.get(code="reception-joutseno")
        for _ in range(4):
            number += 1
            _case(
                _seed_actor(reception, Role.RECEPTION_CENTRE_WORKER),
                rng,
                number,
                today,
                kind="reception",
            )
            counts["cases"] += 1
    return counts
