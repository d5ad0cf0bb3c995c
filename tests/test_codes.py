"""Nationalities and languages shown by name in the user's language, never as codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kotopaikka.core.codes import country_name, language_name
from kotopaikka.integration import orientation
from kotopaikka.placement import services as placement


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("COD", "fi", "Kongon demokraattinen tasavalta"),
        ("COD", "sv", "Kongo, demokratiska republiken"),
        ("COD", "en", "Congo, The Democratic Republic of the"),
        ("AFG", "sv", "Afghanistan"),
        ("cod", "fi", "Kongon demokraattinen tasavalta"),  # as typed
    ],
)
def test_country_names(code, language, name):
    assert country_name(code, language) == name


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("lin", "fi", "lingala"),
        ("lin", "sv", "Lingala"),
        ("swa", "sv", "Swahili"),
        ("ara", "fi", "arabia"),
        ("ara", "sv", "Arabiska"),
        ("prs", "en", "Dari"),
        ("SWA", "sv", "Swahili"),
    ],
)
def test_language_names(code, language, name):
    assert language_name(code, language) == name


def test_the_active_language_is_the_default():
    with translation.override("sv"):
        assert language_name("fin") == "Finska"
        assert country_name("FIN") == "Finland"
    with translation.override("fi"):
        assert language_name("swe") == "ruotsi"


def test_names_the_iso_catalogues_lack_fall_back_to_the_projects_catalogue():
    """iso-codes has no Finnish name for Swahili: the project's catalogue gives one (English
    until the catalogue has it), never a code."""
    with translation.override("fi"):
        assert language_name("swa") not in ("swa", "")


@pytest.mark.parametrize("code", ["QQQ", "zzz", "", "Q"])
def test_unknown_codes_are_shown_as_they_are(code):
    assert country_name(code, "fi") == code
    assert language_name(code, "sv") == code


# --- the pages ---------------------------------------------------------------------------


@pytest.fixture
def congolese_case(uusimaa_officer):
    return placement.case_create(
        actor=uusimaa_officer,
        data=placement.CaseData(
            reference="147-71000001",
            nationality="COD",
            members=[placement.MemberData(age=34, languages=["lin", "swa"])],
        ),
    )


def _get(client, url: str, language: str) -> str:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client.get(url).content.decode()


@pytest.mark.django_db
def test_queue_and_case_pages_name_nationality_and_languages(
    uusimaa_officer, client_for, congolese_case
):
    client = client_for(uusimaa_officer)
    queue = _get(client, reverse("placement:queue"), "fi")
    assert "<td>Kongon demokraattinen tasavalta</td>" in queue
    assert "<td>COD</td>" not in queue
    case = _get(client, reverse("placement:case", args=[congolese_case.pk]), "sv")
    assert "<dd>Kongo, demokratiska republiken</dd>" in case
    assert "<td>Lingala, Swahili</td>" in case
    assert "lin, swa" not in case


@pytest.mark.django_db
def test_person_and_pseudonymised_pages_name_nationalities(
    helsinki_worker, analyst, make_person, client_for
):
    person = make_person(helsinki_worker, nationalities=["COD"], languages=[("lin", "native")])
    page = _get(client_for(helsinki_worker), reverse("people:detail", args=[person.pk]), "sv")
    assert "Kongo, demokratiska republiken" in page
    assert "Lingala" in page
    listing = _get(client_for(analyst), reverse("people:pseudonymised"), "fi")
    assert "Kongon demokraattinen tasavalta" in listing
    assert "<td>COD</td>" not in listing


@pytest.mark.django_db
def test_civic_orientation_pages_name_the_language(helsinki_supervisor, client_for):
    group = orientation.group_create(
        actor=helsinki_supervisor,
        name="Kurssi A",
        language="lin",
        starts_on=dt.date.today(),
    )
    client = client_for(helsinki_supervisor)
    groups = _get(client, reverse("integration:groups"), "sv")
    assert "<td>Lingala</td>" in groups
    detail = _get(client, reverse("integration:group", args=[group.pk]), "fi")
    assert ": lingala ·" in detail
