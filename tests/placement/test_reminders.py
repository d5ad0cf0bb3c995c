"""Reminders of undecided proposals go to that municipality's staff, once a day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from kotopaikka.placement import services
from kotopaikka.placement.reminders import send_reminders, send_reminders_task

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def pending(uusimaa_officer, helsinki_worker, espoo_worker):
    helsinki_worker.user.email = "hanna@hel.example"
    helsinki_worker.user.save()
    espoo_worker.user.email = "eero@espoo.example"
    espoo_worker.user.save()
    services.agreement_save(
        actor=uusimaa_officer,
        municipality_code="091",
        valid_from=dt.date(TODAY.year, 1, 1),
        valid_until=None,
        years={TODAY.year: {"persons": 10}},
        services=[],
        accepts_emergency_cases=False,
        wellbeing_county_consulted_on=None,
    )
    proposals = []
    for number, deadline in (
        (1, TODAY + dt.timedelta(days=1)),
        (2, TODAY + dt.timedelta(days=10)),
        (3, TODAY - dt.timedelta(days=2)),
    ):
        case = services.case_create(
            actor=uusimaa_officer,
            data=services.CaseData(
                reference=f"147-7000000{number}", members=[services.MemberData(age=30)]
            ),
        )
        proposals.append(
            services.proposal_create(
                actor=uusimaa_officer, case_id=case.pk, municipality_code="091", deadline=deadline
            )
        )
    return proposals


def test_due_and_overdue_proposals_are_reminded_once_a_day(pending):
    assert send_reminders(TODAY) == 2
    assert sorted(m.to for m in mail.outbox) == [["hanna@hel.example"], ["hanna@hel.example"]]
    assert any("147-70000003" in m.body for m in mail.outbox) and not any(
        "147-70000002" in m.body for m in mail.outbox
    )
    assert send_reminders(TODAY) == 0
    assert len(mail.outbox) == 2
    assert send_reminders(TODAY + dt.timedelta(days=1)) == 2


def test_the_task_runs_through_the_tasks_framework(pending):
    result = send_reminders_task.enqueue()
    assert result.return_value == 2
