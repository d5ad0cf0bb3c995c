"""Optimiser runs in the API: start, follow, read the explained result in the caller's
language, lock and exclude pairs and re-run, send; the same scope and audit as the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from kotopaikka.audit.models import AuditEvent
from kotopaikka.placement import services
from kotopaikka.placement.models import OptimiserRun, Proposal

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year
SV = {"Accept-Language": "sv"}


@pytest.fixture
def queue(uusimaa_officer, trained_model):
    for code, persons in (("091", 6), ("049", 4), ("092", 4)):
        services.agreement_save(
            actor=uusimaa_officer,
            municipality_code=code,
            valid_from=dt.date(YEAR, 1, 1),
            valid_until=None,
            years={YEAR: {"persons": persons}},
            services=[],
            accepts_emergency_cases=False,
            wellbeing_county_consulted_on=None,
        )
    return [
        services.case_create(
            actor=uusimaa_officer,
            data=services.CaseData(
                reference=f"147-8200000{n}",
                members=[services.MemberData(age=a, education_years=e) for a, e in ages],
            ),
        )
        for n, ages in enumerate([[(30, 12), (6, None)], [(44, 4)], [(25, 15), (23, 9)]])
    ]


def _start(api, capture, **body):
    with capture(execute=True):
        response = api.post("/api/v1/placement/runs/", body, content_type="application/json")
    return response


def test_start_follow_read_in_swedish_lock_and_rerun_send(
    uusimaa_officer, client_for, queue, django_capture_on_commit_callbacks
):
    api = client_for(uusimaa_officer)
    started = _start(api, django_capture_on_commit_callbacks, time_limit=5)
    assert started.status_code == 201, started.json()
    run_id = started.json()["id"]
    body = api.get(f"/api/v1/placement/runs/{run_id}/", headers=SV).json()
    assert body["status"] == "done" and body["status_name"] == "klar"
    assert body["outcome_model"]["version"] == 1 and body["policy"]["version"] == 0
    assert body["method_text"].endswith("bevisat optimal")
    rows = {a["reference"]: a for a in body["assignments"]}
    assert set(rows) == {"147-82000000", "147-82000001", "147-82000002"}
    names = {"091": "Helsingfors", "049": "Esbo", "092": "Vanda"}
    for a in rows.values():
        assert a["municipality_name"] == names[a["municipality"]]
        assert a["components"][0]["name"] == "förväntad sysselsättning"
        assert a["components"][0]["value"] > 0
        assert len(a["alternatives"]) == 2
        for alt in a["alternatives"]:
            assert alt["name"] == names[alt["municipality"]] and alt["text"]
            assert alt["municipality"] not in alt["text"]  # names, never codes
    # lock one pair and exclude another, re-run: the lock holds, the exclusion too
    first, second = queue[0], queue[1]
    locked_to = rows["147-82000000"]["municipality"]
    excluded_from = rows["147-82000001"]["municipality"]
    rerun = _start(
        api,
        django_capture_on_commit_callbacks,
        previous=run_id,
        lock=[str(first.pk)],
        exclude=[str(second.pk)],
        time_limit=5,
    )
    assert rerun.status_code == 201, rerun.json()
    again = api.get(f"/api/v1/placement/runs/{rerun.json()['id']}/").json()
    placed = {a["case"]: a for a in again["assignments"]}
    assert placed[str(first.pk)]["municipality"] == locked_to and placed[str(first.pk)]["locked"]
    assert placed.get(str(second.pk), {}).get("municipality") != excluded_from
    sent = api.post(
        f"/api/v1/placement/runs/{again['id']}/send/", {}, content_type="application/json"
    )
    assert sent.status_code == 200
    assert len(sent.json()["sent"]) == Proposal.objects.count() == len(again["assignments"])
    listed = api.get("/api/v1/placement/runs/").json()
    assert [r["id"] for r in listed] == [again["id"], run_id]


def test_bad_bodies_are_refused_naming_the_field(
    uusimaa_officer, client_for, queue, django_capture_on_commit_callbacks
):
    api = client_for(uusimaa_officer)
    for body, field in [
        ({"time_limit": 0}, "time_limit"),
        ({"time_limit": 601}, "time_limit"),
        ({"lock": [str(queue[0].pk)]}, "previous"),
        ({"case_ids": ["not-a-uuid"]}, "case_ids"),
    ]:
        response = _start(api, django_capture_on_commit_callbacks, **body)
        named = [key.split(".")[0] for key in response.json()]
        assert response.status_code == 400 and field in named, (body, response.json())
    run_id = _start(api, django_capture_on_commit_callbacks, time_limit=5).json()["id"]
    other = "00000000-0000-4000-8000-000000000001"
    response = _start(api, django_capture_on_commit_callbacks, previous=run_id, lock=[other])
    assert response.status_code == 400 and "lock" in response.json()
    assert OptimiserRun.objects.count() == 1


def test_another_authority_gets_audited_404s_and_other_roles_403(
    uusimaa_officer, north_officer, analyst, client_for, queue, django_capture_on_commit_callbacks
):
    run_id = _start(client_for(uusimaa_officer), django_capture_on_commit_callbacks).json()["id"]
    outsider = client_for(north_officer)
    before = AuditEvent.objects.filter(action="denied", actor_username="north_officer").count()
    assert outsider.get(f"/api/v1/placement/runs/{run_id}/").status_code == 404
    assert (
        outsider.post(
            f"/api/v1/placement/runs/{run_id}/send/", "{bad", content_type="application/json"
        ).status_code
        == 404
    )
    rerun = _start(outsider, django_capture_on_commit_callbacks, previous=run_id)
    assert rerun.status_code == 404
    assert outsider.get("/api/v1/placement/runs/").json() == []
    after = AuditEvent.objects.filter(action="denied", actor_username="north_officer").count()
    assert after == before + 3
    assert client_for(analyst).get("/api/v1/placement/runs/").status_code == 403
    assert not Proposal.objects.exists()
