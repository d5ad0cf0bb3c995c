"""Synthetic integration-services data for the demo: Helsinki's and Espoo's synthetic persons
become integration clients at different points of their first years, with assessments, plan
versions, reviews, civic orientation groups in several languages with sessions and
attendance, a waiting list, and so a work queue with items due, overdue and awaiting a rule.
Everything goes through the integration services (audited) and is labelled synthetic as the
persons are."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kotopaikka.access.models import User
from kotopaikka.audit.context import command_context
from kotopaikka.integration import assessments, orientation, plans, services
from kotopaikka.integration.models import IntegrationClient, OrientationTopic, ServiceKind
from kotopaikka.people.models import Person
from kotopaikka.registry.models import Municipality

from .demo import _actor

#: (municipality code, demo worker, the languages of its groups)
MUNICIPALITIES = [("091", "helsinki", ["ara", "prs", "ukr"]), ("049", "espoo", ["ara", "som"])]
TOPICS = list(OrientationTopic.values)


def _receive(actor, municipality, persons, rng, today) -> list[IntegrationClient]:
    clients = []
    for person in persons:
        since = today - dt.timedelta(days=rng.randint(20, 520))
        permit = since - dt.timedelta(days=rng.randint(10, 90))
        group = rng.choice(
            [
                IntegrationClient.Group.QUOTA_REFUGEE,
                IntegrationClient.Group.INTERNATIONAL_PROTECTION,
            ]
        )
        clients += services.client_receive(
            actor=actor,
            person_ids=[person.pk],
            municipality=municipality,
            received_on=since,
            first_residence_date=since + dt.timedelta(days=rng.randint(0, 14)),
            residence_permit_on=permit,
            group=group,
            reason="demo",
        )
    services.client_update(  # the worker is responsible for most, some wait to be assigned
        actor=actor,
        client_id=clients[0].pk,
        data=services.ClientData(interpreter_needed=True, interpreter_language="ara"),
    )
    for client in clients[: max(1, len(clients) * 2 // 3)]:
        services.client_update(
            actor=actor,
            client_id=client.pk,
            data=services.ClientData(responsible_worker_id=actor.user.pk),
        )
    return clients


def _assess_and_plan(actor, client, rng, today) -> bool:
    """Most clients are assessed; of those most have a plan. True if the plan has orientation."""
    client.refresh_from_db()
    held_on = min(today, client.client_since + dt.timedelta(days=rng.randint(5, 40)))
    assessments.assessment_save(
        actor=actor,
        client_id=client.pk,
        data=assessments.AssessmentData(
            held_on=held_on,
            held_by_id=actor.user.pk,
            language=rng.choice(["ara", "prs", "ukr", "som"]),
            interpreter_used=True,
            literacy=rng.choice(["basic", "functional", "other_script"]),
            finnish_level=rng.choice(["0", "A1", "A2"]),
            swedish_level="0",
            strengths=rng.choice(["Kokemus rakennusalalta", "Opettajan koulutus", "Kielitaito"]),
            employment_needs="Työkokeilu ja kielikoulutus",
            plan_needed=True,
            completed_on=held_on,
        ),
    )
    if (today - held_on).days < 15 or rng.random() < 0.2:
        return False
    start = held_on + dt.timedelta(days=7)
    plans.plan_save(
        actor=actor,
        client_id=client.pk,
        data=plans.PlanData(
            starts_on=start,
            ends_on=start + dt.timedelta(days=360),
            goals="Suomen kielen taito A2.1; työkokeilu; yhteiskuntaorientaatio",
            responsible_worker_id=actor.user.pk,
            agreed_on=start,
            agreed_how="signed",
            agreement_interpreter=True,
            measures=[
                plans.MeasureData(
                    service=ServiceKind.CIVIC_ORIENTATION,
                    provider="Kunnan kotoutumispalvelut",
                    starts_on=start,
                    ends_on=start + dt.timedelta(days=120),
                    hours=Decimal(70),
                ),
                plans.MeasureData(
                    service=ServiceKind.INTEGRATION_TRAINING,
                    provider="Aikuisopisto",
                    starts_on=start + dt.timedelta(days=30),
                    hours=Decimal(600),
                    enrolled_on=start + dt.timedelta(days=20)
                    if rng.random() < 0.6 and start + dt.timedelta(days=20) <= today
                    else None,
                ),
            ],
        ),
    )
    if (today - start).days > 200 and rng.random() < 0.5:
        plans.plan_review_record(
            actor=actor, client_id=client.pk, reviewed_on=start + dt.timedelta(days=170)
        )
    return True


def _groups(actor, municipality_languages, clients, rng, today) -> int:
    sessions = 0
    by_language: dict[str, list] = {lang: [] for lang in municipality_languages}
    for client in clients:
        by_language[rng.choice(municipality_languages)].append(client)
    for language, members in by_language.items():
        if not members:
            continue
        group = orientation.group_create(
            actor=actor,
            name=f"Yhteiskuntaorientaatio ({language})",
            language=language,
            starts_on=today - dt.timedelta(days=150),
            capacity=20,
        )
        orientation.group_enrol(actor=actor, group_id=group.pk, client_ids=[c.pk for c in members])
        for n in range(rng.randint(6, 12)):  # 6 hours a time: some reach 70 hours, some not
            orientation.session_record(
                actor=actor,
                group_id=group.pk,
                held_on=today - dt.timedelta(days=140 - n * 7),
                hours=Decimal(6),
                topics=[TOPICS[n % len(TOPICS)]],
                attendance={c.pk: Decimal(rng.choice([6, 6, 6, 4, 0])) for c in members},
            )
            sessions += 1
    return sessions


@transaction.atomic
def seed_integration(seed: int = 2026) -> dict[str, int]:
    """Idempotent: does nothing when the demo already has integration clients."""
    if IntegrationClient.objects.filter(person__is_synthetic=True).exists():
        return {}
    rng = random.Random(seed)
    today = timezone.localdate()
    counts = {"clients": 0, "assessments": 0, "plans": 0, "orientation sessions": 0, "waiting": 0}
    with command_context("cli"):
        for code, username, languages in MUNICIPALITIES:
            if not User.objects.filter(username=username).exists():
                continue
            actor = _actor(username)
            municipality = Municipality.objects.get(code=code)
            persons = list(
                Person.objects.filter(
                    is_synthetic=True, municipality=municipality, integration_client__isnull=True
                ).order_by("family_name", "given_names")
            )
            if not persons:
                continue
            clients = _receive(actor, municipality, persons, rng, today)
            counts["clients"] += len(clients)
            with_orientation = []
            for client in clients[: len(clients) * 3 // 4]:
                counts["assessments"] += 1
                if _assess_and_plan(actor, client, rng, today):
                    counts["plans"] += 1
                    with_orientation.append(client)
            counts["orientation sessions"] += _groups(
                actor, languages, with_orientation[: len(with_orientation) * 2 // 3], rng, today
            )
            for client in clients[len(clients) * 3 // 4 :]:
                orientation.waiting_add(
                    actor=actor,
                    client_id=client.pk,
                    language=rng.choice(["tir", "kur", "ara"]),
                    since=today - dt.timedelta(days=rng.randint(5, 60)),
                )
                counts["waiting"] += 1
    return counts
