"""The placement API runs the same workflow as the pages, with the same scope."""

from __future__ import annotations

import datetime as dt

import pytest

from kotopaikka.placement.models import PlacementCase, Proposal

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _agreement(client, persons=6):
    return client.put(
        "/api/v1/placement/agreements/",
        {
            "municipality": "091",
            "valid_from": f"{TODAY.year}-01-01",
            "years": {str(TODAY.year): {"persons": persons}},
        },
        content_type="application/json",
    )


def test_whole_path_through_the_api(uusimaa_officer, helsinki_worker, espoo_worker, client_for):
    officer, helsinki = client_for(uusimaa_officer), client_for(helsinki_worker)
    assert _agreement(officer).status_code == 200
    created = officer.post(
        "/api/v1/placement/cases/",
        {"reference": "147-12340001", "members": [{"age": 31}, {"age": 4}], "nationality": "AFG"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    case_id = created.json()["id"]
    proposal = officer.post(
        f"/api/v1/placement/cases/{case_id}/proposals/",
        {"municipality": "091"},
        content_type="application/json",
    )
    assert proposal.status_code == 201
    proposal_id = proposal.json()["id"]
    assert [p["id"] for p in helsinki.get("/api/v1/placement/proposals/").json()] == [proposal_id]
    assert client_for(espoo_worker).get("/api/v1/placement/proposals/").json() == []
    assert client_for(espoo_worker).get(f"/api/v1/placement/cases/{case_id}/").status_code == 404
    decided = helsinki.post(
        f"/api/v1/placement/proposals/{proposal_id}/decision/",
        {"accept": True},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    assert (
        officer.post(
            f"/api/v1/placement/proposals/{proposal_id}/placement-decision/",
            {},
            content_type="application/json",
        ).status_code
        == 200
    )
    arrived = helsinki.post(
        f"/api/v1/placement/proposals/{proposal_id}/arrival/",
        {"date": TODAY.isoformat()},
        content_type="application/json",
    )
    assert arrived.status_code == 201
    usage = officer.get(f"/api/v1/placement/usage/?year={TODAY.year}&region=01").json()
    helsinki_row = next(r for r in usage if r["municipality"] == "091")
    assert helsinki_row["arrived"]["persons"] == 2 and helsinki_row["free"]["persons"] == 4
    assert PlacementCase.objects.get(pk=case_id).status == PlacementCase.Status.ARRIVED


def test_capacity_conflict_is_409_naming_the_dimension(uusimaa_officer, client_for):
    officer = client_for(uusimaa_officer)
    _agreement(officer, persons=1)
    case = officer.post(
        "/api/v1/placement/cases/",
        {"reference": "147-12340002", "members": [{"age": 31}, {"age": 30}]},
        content_type="application/json",
    ).json()
    response = officer.post(
        f"/api/v1/placement/cases/{case['id']}/proposals/",
        {"municipality": "091"},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["dimensions"] == ["persons"]
    assert not Proposal.objects.exists()


def test_import_endpoint_reports_rows(uusimaa_officer, client_for):
    body = "reference,age,nationality\n147-12340003,30,AFG\n147-12340004,x,AFG\n"
    response = client_for(uusimaa_officer).post(
        "/api/v1/placement/cases/import/", body, content_type="text/csv"
    )
    assert response.status_code == 200
    assert response.json()["created"] == ["147-12340003"]
    assert (
        response.json()["errors"][0]["rows"] == [3]
        and response.json()["errors"][0]["field"] == "age"
    )


def test_bad_input_names_the_field(uusimaa_officer, client_for):
    response = client_for(uusimaa_officer).post(
        "/api/v1/placement/cases/",
        {"reference": "147-1", "members": [{"age": 200}]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "members.0.age" in response.json()


def test_usage_with_a_bad_year_is_a_400_naming_it(uusimaa_officer, client_for):
    """-1 and 10000 once answered 500, then the current year; the API now publishes the
    year's bounds (2000–2100) and refuses what is outside them (issue 11, point 10)."""
    officer = client_for(uusimaa_officer)
    assert _agreement(officer).status_code == 200
    for bad in ("abc", "-1", "0", "10000", "1999", "2101"):
        response = officer.get(f"/api/v1/placement/usage/?year={bad}")
        assert response.status_code == 400, bad
        assert list(response.json()) == ["year"]
    response = officer.get("/api/v1/placement/usage/")  # control: the current year
    assert response.status_code == 200
    assert [r["municipality"] for r in response.json()] == ["091"]
