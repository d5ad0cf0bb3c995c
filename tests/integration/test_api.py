"""The integration-services API: the same services, scope and audit as the pages; bad values
are a 400 naming the field."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
BASE = "/api/v1/integration"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_worker_drives_the_client_path_through_the_api(arrived, helsinki_worker, client_for):
    api = client_for(helsinki_worker)
    c = arrived[0]
    listing = api.get(f"{BASE}/clients/")
    assert listing.status_code == 200 and {r["id"] for r in listing.json()} == {
        str(x.pk) for x in arrived
    }
    bad = api.patch(
        f"{BASE}/clients/{c.pk}/", {"status": "asleep"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "status" in bad.json()
    ok = api.patch(
        f"{BASE}/clients/{c.pk}/",
        {"responsible_worker": helsinki_worker.user.pk, "interpreter_language": "ar"},
        content_type="application/json",
    )
    assert (
        ok.status_code == 200 and ok.json()["responsible_worker"] == helsinki_worker.user.username
    )
    assessment = {
        "held_on": str(TODAY),
        "held_by": helsinki_worker.user.pk,
        "language": "ara",
        "literacy": "basic",
        "finnish_level": "A1",
        "swedish_level": "0",
        "plan_needed": True,
    }
    assert _post(api, f"{BASE}/clients/{c.pk}/assessments/", assessment).status_code == 201
    plan = {
        "starts_on": str(TODAY),
        "ends_on": str(TODAY + dt.timedelta(days=300)),
        "goals": "Kieli A2",
        "responsible_worker": helsinki_worker.user.pk,
        "measures": [
            {
                "service": "civic_orientation",
                "provider": "Helsinki",
                "starts_on": str(TODAY),
                "hours": "70",
            }
        ],
    }
    made = _post(api, f"{BASE}/clients/{c.pk}/plans/", plan)
    assert made.status_code == 201 and made.json()["version"] == 1
    bad_measure = _post(
        api,
        f"{BASE}/clients/{c.pk}/plans/",
        {**plan, "measures": [{**plan["measures"][0], "service": "juggling"}]},
    )
    assert bad_measure.status_code == 400 and "measures.0.service" in bad_measure.json()
    group = _post(
        api,
        f"{BASE}/orientation/groups/",
        {"name": "Arabia", "language": "ara", "starts_on": str(TODAY)},
    )
    assert group.status_code == 201
    gid = group.json()["id"]
    assert (
        _post(
            api, f"{BASE}/orientation/groups/{gid}/participants/", {"clients": [str(c.pk)]}
        ).status_code
        == 200
    )
    session = {
        "held_on": str(TODAY),
        "hours": "3",
        "topics": ["values"],
        "attendance": [{"client": str(c.pk), "hours": "3"}],
    }
    assert _post(api, f"{BASE}/orientation/groups/{gid}/sessions/", session).status_code == 201
    detail = api.get(f"{BASE}/clients/{c.pk}/").json()
    assert detail["civic_orientation"]["hours"] == "3.0" and detail["plan_versions"] == [1]
    queue = api.get(f"{BASE}/queue/")
    assert queue.status_code == 200 and any(i["kind"] == "review" for i in queue.json())
    contact = {"contacted_on": str(TODAY), "channel": "phone", "topic": "housing", "minutes": 15}
    assert _post(api, f"{BASE}/clients/{c.pk}/contacts/", contact).status_code == 201
    transfer = _post(
        api, f"{BASE}/clients/{c.pk}/transfers/", {"to_municipality": "049", "moves_on": str(TODAY)}
    )
    assert transfer.status_code == 201 and transfer.json()["status"] == "pending"


def test_another_municipality_gets_404_and_the_team_queue_403(
    arrived, espoo_worker, helsinki_worker, client_for
):
    assert client_for(espoo_worker).get(f"{BASE}/clients/{arrived[0].pk}/").status_code == 404
    assert client_for(espoo_worker).get(f"{BASE}/clients/").json() == []
    assert client_for(helsinki_worker).get(f"{BASE}/queue/?team=true").status_code == 403
