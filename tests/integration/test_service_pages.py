"""The assessment, plan, review, orientation and work-queue pages in Finnish: forms that save
through the services, errors by field (a measure's row named), 400 on refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kotopaikka.integration.models import Assessment, IntegrationPlan, OrientationGroup

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
FI = {"HTTP_ACCEPT_LANGUAGE": "fi"}


def _client_page(client, c):
    return client.get(reverse("integration:client", args=[c.pk]), **FI)


def test_a_worker_records_an_assessment_and_a_plan_through_the_pages(
    arrived, helsinki_worker, client_for
):
    client = client_for(helsinki_worker)
    c = arrived[0]
    url = reverse("integration:assessment_new", args=[c.pk])
    page = client.get(url, **FI)
    assert page.status_code == 200 and "Lukutaito" in page.content.decode()
    form = {
        "kind": "initial",
        "held_on": str(TODAY),
        "held_by": helsinki_worker.user.pk,
        "language": "ara",
        "literacy": "basic",
        "finnish_level": "A1",
        "swedish_level": "0",
        "plan_needed": "yes",
    }
    bad = client.post(url, {**form, "finnish_level": "Z9"}, **FI)
    assert bad.status_code == 400
    assert client.post(url, form, **FI).status_code == 302
    assert Assessment.objects.filter(client=c).count() == 1
    plan_url = reverse("integration:plan_new", args=[c.pk])
    plan = {
        "starts_on": str(TODAY),
        "ends_on": str(TODAY + dt.timedelta(days=300)),
        "goals": "Kielitaito A2",
        "responsible_worker": helsinki_worker.user.pk,
        "measures-TOTAL_FORMS": "2",
        "measures-INITIAL_FORMS": "0",
        "measures-MIN_NUM_FORMS": "0",
        "measures-MAX_NUM_FORMS": "30",
        "measures-0-service": "civic_orientation",
        "measures-0-provider": "Helsingin kaupunki",
        "measures-0-starts_on": str(TODAY - dt.timedelta(days=1)),  # before the plan
        "measures-0-hours": "70",
    }
    bad = client.post(plan_url, plan, **FI)
    assert bad.status_code == 400
    assert "Toimenpide alkaa suunnitelman voimassaoloaikana." in bad.content.decode()
    plan["measures-0-starts_on"] = str(TODAY)
    assert client.post(plan_url, plan, **FI).status_code == 302
    assert IntegrationPlan.objects.get(client=c).measures.count() == 1
    review = client.post(
        reverse("integration:plan_review", args=[c.pk]), {"reviewed_on": str(TODAY)}, **FI
    )
    assert review.status_code == 302
    body = _client_page(client, c).content.decode()
    assert "Kotoutumissuunnitelma" in body and "Monikielinen yhteiskuntaorientaatio" in body
    queue = client.get(reverse("integration:queue"), **FI)
    assert queue.status_code == 200 and "Työjono" in queue.content.decode()


def test_a_group_with_a_session_and_attendance(arrived, helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    response = client.post(
        reverse("integration:groups"),
        {"name": "Darinkielinen ryhmä", "language": "prs", "starts_on": str(TODAY)},
        **FI,
    )
    group = OrientationGroup.objects.get()
    assert response.status_code == 302
    url = reverse("integration:group", args=[group.pk])
    enrol = client.post(url, {"enrol-clients": [str(c.pk) for c in arrived]}, **FI)
    assert enrol.status_code == 302 and group.participants.count() == 2
    first, second = arrived
    session = {
        "session-held_on": str(TODAY),
        "session-hours": "3",
        "session-topics": ["values", "rights"],
        f"session-hours_{first.pk}": "3",
        f"session-hours_{second.pk}": "5",  # more than the session
    }
    bad = client.post(url, session, **FI)
    assert bad.status_code == 400
    session[f"session-hours_{second.pk}"] = "2"
    assert client.post(url, session, **FI).status_code == 302
    page = client.get(url, **FI).content.decode()
    assert "<td>3 / 70</td>" in page


def test_the_team_queue_link_only_for_supervisors(
    arrived, helsinki_worker, helsinki_supervisor, client_for
):
    worker_page = client_for(helsinki_worker).get(reverse("integration:queue") + "?team=1", **FI)
    assert worker_page.context["team"] is False and worker_page.context["can_team"] is False
    boss = client_for(helsinki_supervisor).get(reverse("integration:queue") + "?team=1", **FI)
    assert boss.context["team"] is True
