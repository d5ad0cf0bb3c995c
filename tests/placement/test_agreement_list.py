"""The agreements list: searchable by the municipality's name in Finnish or Swedish, sortable
by each column with names in the user's language (å, ä, ö after z in Swedish and Finnish),
paged; the state in the query. The usage API takes the same search and sort."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from kotopaikka.access.roles import Role
from kotopaikka.core.collation import sort_key, sorted_by_name
from kotopaikka.placement import selectors

pytestmark = pytest.mark.django_db

#: code -> (elinvoimakeskus, persons agreed); names: Turku/Åbo, Teuva/Östermark,
#: Ylitornio/Övertorneå, Ähtäri/Etseri, Äänekoski, Närpiö/Närpes, Vaasa/Vasa, Akaa/Ackas
AGREEMENTS = {
    "853": ("evk-02", 30),
    "846": ("evk-07", 5),
    "976": ("evk-10", 8),
    "989": ("evk-07", 12),
    "992": ("evk-05", 7),
    "545": ("evk-08", 20),
    "905": ("evk-08", 25),
    "020": ("evk-04", 3),
}


@pytest.fixture
def agreements(make_actor, make_agreement):
    officers = {}
    for code, (evk, persons) in AGREEMENTS.items():
        if evk not in officers:
            officers[evk] = make_actor(Role.PLACEMENT_OFFICER, evk)
        make_agreement(officers[evk], code=code, persons=persons)


def _names(html: str) -> list[str]:
    return re.findall(r'<tr data-testid="usage-\d+"><td><a href="[^"]+">([^<]+)</a>', html)


def _page(client, language: str, query: str = "") -> str:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    response = client.get(reverse("placement:agreements") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_swedish_sorts_swedish_names_with_a_ring_and_umlauts_after_z(
    agreements, uusimaa_officer, client_for
):
    names = _names(_page(client_for(uusimaa_officer), "sv"))
    assert names == [
        "Ackas",
        "Etseri",
        "Närpes",
        "Vasa",
        "Åbo",
        "Äänekoski",
        "Östermark",
        "Övertorneå",
    ]


def test_finnish_sorts_finnish_names(agreements, uusimaa_officer, client_for):
    names = _names(_page(client_for(uusimaa_officer), "fi"))
    assert names == [
        "Akaa",
        "Närpiö",
        "Teuva",
        "Turku",
        "Vaasa",
        "Ylitornio",
        "Ähtäri",
        "Äänekoski",
    ]


def test_english_sorts_accented_letters_with_their_base_letter(
    agreements, uusimaa_officer, client_for
):
    names = _names(_page(client_for(uusimaa_officer), "en"))
    assert names.index("Äänekoski") < names.index("Ähtäri") < names.index("Närpes")


def test_descending_and_by_figures(agreements, uusimaa_officer, client_for):
    client = client_for(uusimaa_officer)
    assert _names(_page(client, "sv", "?sort=-name"))[:2] == ["Övertorneå", "Östermark"]
    assert _names(_page(client, "fi", "?sort=-agreed"))[:3] == ["Turku", "Vaasa", "Närpiö"]
    assert _names(_page(client, "fi", "?sort=agreed"))[:2] == ["Akaa", "Teuva"]


def test_sort_by_region_then_name(agreements, uusimaa_officer, client_for):
    names = _names(_page(client_for(uusimaa_officer), "fi", "?sort=region"))
    # Etelä-Pohjanmaa (Teuva, Ähtäri) first, Varsinais-Suomi (Turku) last
    assert names[:2] == ["Teuva", "Ähtäri"]
    assert names[-1] == "Turku"


def test_the_current_sort_is_marked_and_its_link_reverses_it(
    agreements, uusimaa_officer, client_for
):
    html = _page(client_for(uusimaa_officer), "fi", "?sort=agreed&q=a")
    head = re.search(r"<thead>.*?</thead>", html, re.S).group(0)
    assert head.count("aria-sort=") == 1
    agreed = re.search(r'<th [^>]*aria-sort="ascending"><a class="kp-sort" href="([^"]+)"', head)
    assert agreed and "sort=-agreed" in agreed.group(1)
    assert "q=a" in agreed.group(1)  # the search is kept


@pytest.mark.parametrize(
    ("language", "search", "expected"),
    [
        ("fi", "turku", ["Turku"]),
        ("fi", "ÅBO", ["Turku"]),  # the Swedish name finds it in Finnish too
        ("sv", "närp", ["Närpes"]),
        ("sv", "NÄRPIÖ", ["Närpes"]),  # case of non-ASCII letters ignored (also on SQLite)
        ("sv", "ö", ["Närpes", "Östermark", "Övertorneå"]),  # Närpiö
        ("fi", "zzz", []),
    ],
)
def test_search_by_name_in_finnish_or_swedish(
    agreements, uusimaa_officer, client_for, language, search, expected
):
    from urllib.parse import quote

    html = _page(client_for(uusimaa_officer), language, f"?q={quote(search)}")
    assert _names(html) == expected
    if not expected:
        assert "<td colspan=" in html


def test_pages_of_fifty(make_actor, make_agreement, uusimaa_officer, client_for):
    from kotopaikka.registry.models import Municipality

    officer = make_actor(Role.PLACEMENT_OFFICER, "evk-01")
    uusimaa = list(Municipality.objects.filter(region__code="01"))[:26]
    southwest = make_actor(Role.PLACEMENT_OFFICER, "evk-02")
    proper = list(Municipality.objects.filter(region__code="02"))[:26]
    for m in uusimaa:
        make_agreement(officer, code=m.code)
    for m in proper:
        make_agreement(southwest, code=m.code)
    client = client_for(uusimaa_officer)
    first = _page(client, "fi")
    assert len(_names(first)) == 50
    assert len(uusimaa + proper) == 52
    assert "sort=name&amp;page=2" in first
    second = _names(_page(client, "fi", "?sort=name&page=2"))
    assert len(second) == 2
    everything = sorted_by_name([m.name_fi for m in uusimaa + proper], language="fi")
    assert second == everything[-2:]
    assert _names(_page(client, "fi", "?page=99")) == second  # past the end: the last page
    assert len(_names(_page(client, "fi", "?page=x"))) == 50  # not a number: the first


def test_an_unknown_sort_falls_back_to_the_name(agreements, uusimaa_officer, client_for):
    client = client_for(uusimaa_officer)
    assert _names(_page(client, "fi", "?sort=secret")) == _names(_page(client, "fi"))


def test_a_municipality_sees_its_own_agreement_only(agreements, make_actor, client_for):
    turku = make_actor(Role.INTEGRATION_WORKER, "municipality-853")
    client = client_for(turku)
    assert _names(_page(client, "sv")) == ["Åbo"]
    assert _names(_page(client, "sv", "?q=vasa")) == []


# --- the API -------------------------------------------------------------------------------


def test_api_searches_sorts_and_pages(agreements, uusimaa_officer, client_for):
    client = client_for(uusimaa_officer, HTTP_ACCEPT_LANGUAGE="sv")
    response = client.get("/api/v1/placement/usage/?sort=name&limit=3&offset=4")
    assert response.status_code == 200
    assert response["X-Total-Count"] == "8"
    assert [r["municipality"] for r in response.json()] == ["853", "992", "846"]
    found = client.get("/api/v1/placement/usage/?search=%C3%96&sort=-agreed").json()
    assert [r["municipality"] for r in found] == ["545", "976", "846"]  # Närpiö too
    default = client.get("/api/v1/placement/usage/").json()  # as before: by code
    assert [r["municipality"] for r in default] == sorted(AGREEMENTS)


@pytest.mark.parametrize(
    ("query", "field"),
    [("sort=secret", "sort"), ("limit=0", "limit"), ("offset=-1", "offset"), ("limit=x", "limit")],
)
def test_api_refuses_bad_parameters_by_name(uusimaa_officer, client_for, query, field):
    response = client_for(uusimaa_officer).get(f"/api/v1/placement/usage/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


# --- the collation itself ------------------------------------------------------------------


def test_collation_keys():
    assert sort_key("Åbo", "sv") > sort_key("Zürich", "sv")
    assert sort_key("Äänekoski", "fi") > sort_key("Åbo", "fi")
    assert sort_key("Östermark", "sv") > sort_key("Äänekoski", "sv")
    assert sort_key("Åbo", "en") < sort_key("Borgå", "en")
    assert sort_key("åbo", "sv") < sort_key("Åbo", "sv")  # case breaks ties only
    assert sorted_by_name(["Ylöjärvi", "Yli-Ii", "Ylitornio"], language="fi") == [
        "Yli-Ii",
        "Ylitornio",
        "Ylöjärvi",
    ]
    with translation.override("sv"):
        assert selectors.sort_usage([], "-free") == []
