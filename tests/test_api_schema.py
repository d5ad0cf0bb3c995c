"""The OpenAPI schema describes the API as it answers (issue 11, point 11): response shapes,
nullable fields, error responses of every operation, bounds and enums. CI's schemathesis stage
(`.ci/api_contract.sh`) checks every operation against the running demo; these tests pin the
shapes that were wrong."""

from __future__ import annotations

import json

import pytest

from kotopaikka.people.services import PersonData, person_create

pytestmark = pytest.mark.django_db

ERRORS_OF_EVERY_OPERATION = {"401", "403", "429"}


@pytest.fixture
def schema(helsinki_worker, client_for) -> dict:
    response = client_for(helsinki_worker).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _ref(schema: dict, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def _ok(schema: dict, path: str, method: str = "get") -> dict:
    responses = schema["paths"][path][method]["responses"]
    code = next(c for c in responses if c.startswith("2"))
    body = responses[code]["content"]["application/json"]["schema"]
    return _ref(schema, body["$ref"]) if "$ref" in body else body


def _param(schema: dict, path: str, name: str, method: str = "get") -> dict:
    params = schema["paths"][path][method]["parameters"]
    return next(p for p in params if p["name"] == name)["schema"]


def test_person_list_is_documented_as_count_and_results(schema):
    body = _ok(schema, "/api/v1/persons/")
    assert body["type"] == "object"
    assert set(body["required"]) == {"count", "results"}
    assert body["properties"]["results"]["type"] == "array"


def test_case_queue_is_documented_as_figures_and_results(schema):
    body = _ok(schema, "/api/v1/placement/cases/")
    assert set(body["required"]) == {"figures", "results"}
    figures = _ref(schema, body["properties"]["figures"]["$ref"])
    assert figures["properties"]["median_days"]["nullable"] is True


def test_usage_is_documented_as_a_list_of_rows(schema):
    body = _ok(schema, "/api/v1/placement/usage/")
    assert body["type"] == "array"
    row = _ref(schema, body["items"]["$ref"])
    assert {"municipality", "agreed", "free"} <= set(row["required"])


def test_date_of_birth_is_nullable(schema):
    item = schema["components"]["schemas"]["PersonListItem"]
    assert item["properties"]["date_of_birth"]["nullable"] is True
    assert item["properties"]["municipality"]["nullable"] is True


def test_every_operation_documents_its_error_responses(schema):
    operations = [
        (path, method, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 28
    for path, method, op in operations:
        codes = set(op["responses"])
        if path == "/api/v1/auth/token/":  # the password login: no credentials, no role
            assert "security" not in op
            assert codes == {"200", "400", "409", "413", "415", "429"}
            continue
        assert codes >= ERRORS_OF_EVERY_OPERATION, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if "requestBody" in op:
            assert {"400", "413", "415"} <= codes, (method, path)
        error = op["responses"]["403"]["content"]["application/json"]["schema"]["$ref"]
        assert error.endswith("/Error")
    invalid = schema["components"]["schemas"]["ValidationError"]
    assert invalid["additionalProperties"]["items"]["type"] == "string"


def test_bounds_and_enums_are_published(schema):
    limit = _param(schema, "/api/v1/persons/", "limit")
    assert (limit["minimum"], limit["maximum"]) == (1, 500)
    assert _param(schema, "/api/v1/persons/", "offset")["maximum"] == 1_000_000
    assert _param(schema, "/api/v1/placement/cases/", "min_days")["maximum"] == 36_500
    nationality = _param(schema, "/api/v1/placement/cases/", "nationality")
    assert (nationality["minLength"], nationality["maxLength"]) == (3, 3)
    regions = _param(schema, "/api/v1/placement/cases/", "region")["enum"]
    assert "01" in regions and len(regions) == 19
    assert "" not in _param(schema, "/api/v1/placement/cases/", "need")["enum"]
    year = _param(schema, "/api/v1/placement/usage/", "year")
    assert (year["minimum"], year["maximum"]) == (2000, 2100)
    places = schema["components"]["schemas"]["YearPlaces"]["properties"]["persons"]
    assert (places["minimum"], places["maximum"]) == (0, 100_000)
    member = schema["components"]["schemas"]["Member"]["properties"]
    assert member["education_years"]["maximum"] == 80


def test_responses_have_the_documented_shape(helsinki_worker, client_for):
    """Control for the schema tests: the live answers have the keys the schema names."""
    person_create(
        actor=helsinki_worker,
        data=PersonData(given_names="Ilman", family_name="Syntymäaikaa"),
        confirm_possible_duplicate=True,
    )
    client = client_for(helsinki_worker)
    page = client.get("/api/v1/persons/").json()
    assert set(page) == {"count", "results"}
    assert page["results"][0]["date_of_birth"] is None


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/persons/not-a-uuid/",
        "/api/v1/placement/cases/123/",
        "/api/v1/no-such-endpoint/",
    ],
)
def test_api_paths_that_match_no_route_answer_the_json_error_body(url, helsinki_worker, client_for):
    response = client_for(helsinki_worker).get(url, headers={"Accept-Language": "sv"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Hittades inte.", "code": "not_found"}
