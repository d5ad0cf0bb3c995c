"""The queue's filters: the page and the API read the same query parameters with one parser,
so they list the same cases and refuse the same invalid values with the same messages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from kotopaikka.placement import services

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def cases(uusimaa_officer):
    def make(reference, received_days_ago, **fields):
        services.case_create(
            actor=uusimaa_officer,
            data=services.CaseData(
                reference=reference,
                members=[services.MemberData(age=30)],
                received_on=TODAY - dt.timedelta(days=received_days_ago),
                **fields,
            ),
        )

    make("147-70000001", 3, emergency=True, nationality="AFG", ties=["091"])
    make("147-70000002", 40, nationality="SYR", needs=["accessible_dwelling"], wishes=["564"])
    make("147-70000003", 90, emergency=True, nationality="SYR", ties=["564"])


def _page(client, query: str):
    return client.get(reverse("placement:queue") + query)  # the page speaks Finnish first


def _api(client, query: str):
    return client.get("/api/v1/placement/cases/" + query, HTTP_ACCEPT_LANGUAGE="fi")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"147-70000001", "147-70000002", "147-70000003"}),
        ("?emergency=yes", {"147-70000001", "147-70000003"}),
        ("?emergency=true", {"147-70000001", "147-70000003"}),
        ("?emergency=False", {"147-70000002"}),
        ("?nationality=syr", {"147-70000002", "147-70000003"}),
        ("?need=accessible_dwelling", {"147-70000002"}),
        ("?region=17", {"147-70000002", "147-70000003"}),
        ("?min_days=30&emergency=no", {"147-70000002"}),
        ("?status=proposed", set()),
    ],
)
def test_page_and_api_filter_the_same_way(query, expected, cases, uusimaa_officer, client_for):
    client = client_for(uusimaa_officer)
    page = _page(client, query)
    api = _api(client, query)
    assert page.status_code == api.status_code == 200
    assert {c.reference for c in page.context["cases"]} == expected
    assert {c["reference"] for c in api.json()["results"]} == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?emergency=maybe", "emergency"),
        ("?min_days=abc", "min_days"),
        ("?min_days=-5", "min_days"),
        ("?status=lost", "status"),
        ("?need=flying", "need"),
        ("?region=99", "region"),
        ("?nationality=AFGX", "nationality"),
    ],
)
def test_an_invalid_filter_is_the_same_400_on_the_page_and_in_the_api(
    query, field, cases, uusimaa_officer, client_for, audit_mark
):
    client = client_for(uusimaa_officer)
    before = audit_mark()
    page = _page(client, query)
    api = _api(client, query)
    assert page.status_code == api.status_code == 400
    assert page.context["filter_errors"] == api.json()
    assert list(api.json()) == [field] and api.json()[field][0]
    assert api.json()[field][0] in page.content.decode()  # shown at the filter, in Finnish
    assert b"147-70000001" not in page.content
    from kotopaikka.audit.models import AuditEvent

    assert not AuditEvent.objects.filter(seq__gt=before).exists()  # no cases were read


def test_empty_filters_mean_any_on_the_page_but_are_refused_by_the_api(
    cases, uusimaa_officer, client_for
):
    """The page's form sends every filter, empty ones meaning "any"; an API client leaves a
    parameter out instead, and an empty value is outside the schema's list (`need=""`)."""
    client = client_for(uusimaa_officer)
    query = "?min_days=&need=&region="
    page = _page(client, query)
    assert page.status_code == 200
    assert {c.reference for c in page.context["cases"]} == {
        "147-70000001",
        "147-70000002",
        "147-70000003",
    }
    api = _api(client, query)
    assert api.status_code == 400
    assert sorted(api.json()) == ["min_days", "need", "region"]


def test_an_invalid_filter_is_marked_for_screen_readers(cases, uusimaa_officer, client_for):
    """The filters are drawn by the shared `_form_fields.html`: the invalid field says so and
    points at its message (Django sets `aria-describedby`, the template gives the id)."""
    html = _page(client_for(uusimaa_officer), "?min_days=abc").content.decode()
    field = re.search(r"<input[^>]*name=\"min_days\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field
    target = re.search(r'aria-describedby="([^"]+)"', field).group(1)
    assert re.search(rf'id="{target}">\s*<p class="kp-field-error">', html)
    assert 'name="status"' in html and '<option value="waiting" selected>' in html
