"""The production path of an optimiser run: queued in the database, picked up by the
django-tasks-db worker (``manage.py db_worker``), solved and stored with its audit event.
The other run tests use the immediate backend; this one proves the queue really works."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings

from kotopaikka.audit.models import AuditEvent
from kotopaikka.placement import runs, services
from kotopaikka.placement.models import OptimiserRun

YEAR = dt.date.today().year
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_a_queued_run_waits_for_the_worker_and_is_solved_by_it(uusimaa_officer, monkeypatch):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker drops "old" connections between tasks; here the connection carries the
    # test's own transaction (rolled back afterwards), so it must stay open.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    services.agreement_save(
        actor=uusimaa_officer,
        municipality_code="091",
        valid_from=dt.date(YEAR, 1, 1),
        valid_until=None,
        years={YEAR: {"persons": 4}},
        services=[],
        accepts_emergency_cases=False,
        wellbeing_county_consulted_on=None,
    )
    case = services.case_create(
        actor=uusimaa_officer,
        data=services.CaseData(
            reference="147-80000009", members=[services.MemberData(age=a) for a in (30, 4)]
        ),
    )
    with override_settings(TASKS=DATABASE_TASKS):
        run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
        run.refresh_from_db()
        assert run.status == OptimiserRun.Status.QUEUED  # nothing ran inline
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    run.refresh_from_db()
    assert run.status == OptimiserRun.Status.DONE, run.error
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert [a["case"] for a in run.result["assignments"]] == [str(case.pk)]
    stored = AuditEvent.objects.get(object_id=str(run.pk), action="update")
    assert stored.channel == "task" and stored.subject_ids == str(case.pk)
