"""Assessment, plan, civic orientation and the work queue on one family: each rule decides on
its boundary, every change is audited naming the client, the overdue item leaves the queue
when the hours reach the minimum."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kotopaikka.audit.models import AuditEvent
from kotopaikka.integration import assessments, orientation, plans, selectors, services
from kotopaikka.integration.models import IntegrationClient, OrientationTopic, ServiceKind
from kotopaikka.integration.workqueue import ItemKind, ItemState

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
ALL_TOPICS = list(OrientationTopic.values)


def _assessment(worker, **changes) -> assessments.AssessmentData:
    values = {
        "held_on": TODAY - dt.timedelta(days=3),
        "held_by_id": worker.user.pk,
        "language": "ara",
        "literacy": "functional",
        "finnish_level": "A1",
        "swedish_level": "0",
        "plan_needed": True,
        "interpreter_used": True,
        "strengths": "Kokemus kirjanpidosta",
    }
    values.update(changes)
    return assessments.AssessmentData(**values)


def _plan(worker, starts_on=None, months=11, **changes) -> plans.PlanData:
    start = starts_on or TODAY - dt.timedelta(days=200)
    values = {
        "starts_on": start,
        "ends_on": start + dt.timedelta(days=months * 30),
        "goals": "Suomen kieli A2, työkokeilu",
        "responsible_worker_id": worker.user.pk,
        "measures": [
            plans.MeasureData(
                service=ServiceKind.CIVIC_ORIENTATION,
                provider="Helsingin kaupunki",
                starts_on=start,
                ends_on=TODAY - dt.timedelta(days=1),
                hours=Decimal(70),
            )
        ],
        "agreed_on": start,
        "agreed_how": "signed",
    }
    values.update(changes)
    return plans.PlanData(**values)


def _events(client, object_type):
    return AuditEvent.objects.filter(person_id=client.person_id, object_type=object_type)


def test_the_assessment_checks_the_acts_content_and_who_held_it(
    arrived, helsinki_worker, espoo_worker
):
    client = arrived[0]
    with pytest.raises(ValidationError) as error:
        assessments.assessment_save(
            actor=helsinki_worker,
            client_id=client.pk,
            data=_assessment(
                espoo_worker,  # not an official of the client's municipality
                literacy="fluent",
                finnish_level="B7",
                language="xx",
                kind="multi",
                held_on=TODAY + dt.timedelta(days=1),
            ),
        )
    assert set(error.value.message_dict) == {
        "held_by",
        "literacy",
        "finnish_level",
        "language",
        "participants",
        "held_on",
    }
    assessment = assessments.assessment_save(
        actor=helsinki_worker, client_id=client.pk, data=_assessment(helsinki_worker)
    )
    client.refresh_from_db()
    assert client.status == IntegrationClient.Status.ASSESSMENT
    assert assessment.language == "ara"
    event = _events(client, assessments.OBJECT_TYPE).get()
    assert event.action == "create" and "strengths" in event.fields


def test_the_assessment_window_closes_36_months_after_the_first_permit(arrived, helsinki_worker):
    client = arrived[0]
    IntegrationClient.objects.filter(pk=client.pk).update(
        residence_permit_on=dt.date(2025, 1, 10), client_since=dt.date(2025, 2, 1)
    )
    # 10.1.2028 is the last day (a Monday); the window is the eligibility, not a time limit
    closes = assessments.window_closes_on(IntegrationClient.objects.get(pk=client.pk))
    assert closes == dt.date(2028, 1, 10)
    IntegrationClient.objects.filter(pk=client.pk).update(
        residence_permit_on=TODAY - dt.timedelta(days=3 * 366 + 1),
        client_since=TODAY - dt.timedelta(days=30),
    )
    with pytest.raises(ValidationError) as error:
        assessments.assessment_save(
            actor=helsinki_worker, client_id=client.pk, data=_assessment(helsinki_worker)
        )
    assert "held_on" in error.value.message_dict
    IntegrationClient.objects.filter(pk=client.pk).update(trafficking_victim=True)
    assessments.assessment_save(  # a victim of trafficking is exempt
        actor=helsinki_worker, client_id=client.pk, data=_assessment(helsinki_worker)
    )


def test_a_plan_longer_than_the_rules_needs_a_reason_and_versions_keep_the_old(
    arrived, helsinki_worker
):
    client = arrived[0]
    start = dt.date(2026, 1, 15)
    with pytest.raises(ValidationError) as error:  # first plan: at most 12 months
        plans.plan_save(
            actor=helsinki_worker,
            client_id=client.pk,
            data=_plan(helsinki_worker, starts_on=start, ends_on=dt.date(2027, 1, 15)),
        )
    assert "length_reason" in error.value.message_dict
    first = plans.plan_save(
        actor=helsinki_worker,
        client_id=client.pk,
        data=_plan(helsinki_worker, starts_on=start, ends_on=dt.date(2027, 1, 14)),
    )
    assert first.version == 1
    with pytest.raises(ValidationError) as error:  # a new version says what changed
        plans.plan_save(
            actor=helsinki_worker,
            client_id=client.pk,
            data=_plan(helsinki_worker, starts_on=start, ends_on=dt.date(2028, 1, 15)),
        )
    assert {"change_summary", "length_reason"} <= set(error.value.message_dict)
    second = plans.plan_save(
        actor=helsinki_worker,
        client_id=client.pk,
        data=_plan(
            helsinki_worker,
            starts_on=start,
            ends_on=dt.date(2028, 1, 14),  # 24 months in all: the limit's last day
            change_summary="Työkokeilu lisätty",
        ),
    )
    assert second.version == 2
    assert sorted(client.plans.values_list("version", "ends_on")) == [
        (1, dt.date(2027, 1, 14)),
        (2, dt.date(2028, 1, 14)),
    ]
    client.refresh_from_db()
    assert client.status == IntegrationClient.Status.PLAN_ACTIVE
    assert _events(client, plans.OBJECT_TYPE).count() == 2


def test_measures_are_checked_by_row(arrived, helsinki_worker):
    bad = plans.MeasureData(service="juggling", provider="", starts_on=TODAY, hours=Decimal("5000"))
    orientation_with_test = plans.MeasureData(
        service=ServiceKind.CIVIC_ORIENTATION, provider="X", starts_on=TODAY, final_test_level="B1"
    )
    with pytest.raises(ValidationError) as error:
        plans.plan_save(
            actor=helsinki_worker,
            client_id=arrived[0].pk,
            data=_plan(helsinki_worker, starts_on=TODAY, measures=[bad, orientation_with_test]),
        )
    assert {
        "measures.0.service",
        "measures.0.provider",
        "measures.0.hours",
        "measures.1.final_test_level",
    } <= set(error.value.message_dict)
    training = plans.MeasureData(
        service=ServiceKind.INTEGRATION_TRAINING,
        provider="Opisto",
        starts_on=TODAY,
        final_test_level="A2",
    )
    plan = plans.plan_save(
        actor=helsinki_worker,
        client_id=arrived[0].pk,
        data=_plan(helsinki_worker, starts_on=TODAY, measures=[training]),
    )
    assert plan.measures.get().final_test_level == "A2"


def _group_with(helsinki_worker, clients):
    group = orientation.group_create(
        actor=helsinki_worker,
        name="Arabiankielinen ryhmä",
        language="ar",
        starts_on=TODAY - dt.timedelta(days=100),
    )
    orientation.group_enrol(
        actor=helsinki_worker, group_id=group.pk, client_ids=[c.pk for c in clients]
    )
    return group


def test_seventy_hours_and_nine_topics_take_the_item_off_the_queue(arrived, helsinki_worker):
    client = arrived[0]
    plans.plan_save(actor=helsinki_worker, client_id=client.pk, data=_plan(helsinki_worker))

    def orientation_item():
        items = selectors.work_queue(actor=helsinki_worker)
        return [i for i in items if i.client.pk == client.pk and i.kind == ItemKind.ORIENTATION]

    [item] = orientation_item()
    assert item.state == ItemState.OVERDUE  # the measure ended yesterday, no hours yet
    group = _group_with(helsinki_worker, [client])
    for n in range(11):  # 66 hours over every topic
        orientation.session_record(
            actor=helsinki_worker,
            group_id=group.pk,
            held_on=TODAY - dt.timedelta(days=90 - n),
            hours=Decimal(6),
            topics=[ALL_TOPICS[n % 9]],
            attendance={client.pk: Decimal(6)},
        )
    assert orientation.progress(client).hours == Decimal(66)
    assert orientation_item(), "66 hours are short of 70"
    orientation.self_study_record(
        actor=helsinki_worker,
        client_id=client.pk,
        studied_until=TODAY,
        hours=Decimal(4),
        topics=[],
        material="Kotoutumisen verkkomateriaali",
        reason="Ryhmä päättyi ennen tuntien täyttymistä",
    )
    done = orientation.progress(client)
    assert (done.hours, done.complete) == (Decimal(70), True)
    assert orientation_item() == []


def test_attendance_beyond_the_session_or_of_a_stranger_is_refused(arrived, helsinki_worker):
    client, other = arrived
    group = _group_with(helsinki_worker, [client])
    with pytest.raises(ValidationError) as error:
        orientation.session_record(
            actor=helsinki_worker,
            group_id=group.pk,
            held_on=TODAY,
            hours=Decimal(3),
            topics=["values", "astrology"],
            attendance={client.pk: Decimal(4)},
        )
    assert {"topics", f"attendance.{client.pk}"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        orientation.session_record(
            actor=helsinki_worker,
            group_id=group.pk,
            held_on=TODAY,
            hours=Decimal(3),
            topics=["values"],
            attendance={other.pk: Decimal(3)},  # not enrolled
        )


def test_another_municipality_cannot_touch_the_group_or_the_client(
    arrived, helsinki_worker, espoo_worker
):
    group = _group_with(helsinki_worker, [arrived[0]])
    with pytest.raises(Exception) as error:
        orientation.group_enrol(actor=espoo_worker, group_id=group.pk, client_ids=[])
    assert error.value.__class__.__name__ == "GroupNotFound"
    with pytest.raises(Exception) as error:
        plans.plan_review_record(actor=espoo_worker, client_id=arrived[0].pk, reviewed_on=TODAY)
    assert error.value.__class__.__name__ == "ClientNotFound"
    assert selectors.work_queue(actor=espoo_worker) == []


def test_the_queue_shows_a_plan_due_from_the_permit_and_a_review_after_six_months(
    arrived, helsinki_worker
):
    client = arrived[0]
    IntegrationClient.objects.filter(pk=client.pk).update(residence_permit_on=dt.date(2025, 3, 1))
    items = {
        i.kind: i for i in selectors.work_queue(actor=helsinki_worker) if i.client.pk == client.pk
    }
    # 1.3.2028 is a Wednesday: the plan is due then, three years from the first permit
    assert items[ItemKind.PLAN_DUE].due_on == dt.date(2028, 3, 1)
    # the new Act's deadline for starting the assessment awaits an administrator
    assert items[ItemKind.ASSESSMENT_START].state == ItemState.RULE_UNSET
    start = TODAY - dt.timedelta(days=200)
    plans.plan_save(
        actor=helsinki_worker, client_id=client.pk, data=_plan(helsinki_worker, starts_on=start)
    )
    review = [i for i in selectors.work_queue(actor=helsinki_worker) if i.kind == ItemKind.REVIEW]
    assert review[0].state == ItemState.OVERDUE  # more than six months since the plan began
    plans.plan_review_record(actor=helsinki_worker, client_id=client.pk, reviewed_on=TODAY)
    review = [i for i in selectors.work_queue(actor=helsinki_worker) if i.kind == ItemKind.REVIEW]
    assert review[0].state == ItemState.UPCOMING and review[0].due_on > TODAY


def test_the_team_queue_is_for_supervisors(arrived, helsinki_worker, helsinki_supervisor):
    from django.core.exceptions import PermissionDenied

    services.client_update(
        actor=helsinki_supervisor,
        client_id=arrived[0].pk,
        data=services.ClientData(responsible_worker_id=helsinki_supervisor.user.pk),
    )
    mine = {i.client.pk for i in selectors.work_queue(actor=helsinki_worker)}
    team = {i.client.pk for i in selectors.work_queue(actor=helsinki_supervisor, team=True)}
    assert arrived[0].pk not in mine and arrived[0].pk in team
    with pytest.raises(PermissionDenied):
        selectors.work_queue(actor=helsinki_worker, team=True)
