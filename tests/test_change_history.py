"""Change histories and the access log in words: "field: old → new" with translated field
names and values (choices by label, yes/no, dates as the pages write them, a related record by
name), never the log's raw text or model reprs such as `placement.SelfArrangedMove.None`;
the access log's fields and channels by name. In Finnish and Swedish."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from kotopaikka.audit import labels
from kotopaikka.placement.services import agreement_save

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year


@pytest.fixture
def revised(uusimaa_officer, make_agreement):
    agreement = make_agreement(uusimaa_officer, code="091", persons=20)
    agreement_save(
        actor=uusimaa_officer,
        municipality_code="091",
        valid_from=agreement.valid_from,
        valid_until=dt.date(2030, 12, 31),
        years={YEAR: {"persons": 25, "cases": 4}},
        services=["accessible_dwelling"],
        accepts_emergency_cases=True,
        wellbeing_county_consulted_on=dt.date(2026, 3, 1),
        agreement_id=agreement.pk,
    )
    return agreement


def _history(client, agreement, language: str) -> str:
    """The change history's part of the agreement's page."""
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = client.get(reverse("placement:agreement", args=[agreement.pk])).content.decode()
    start = page.index('data-testid="change-history"')
    return html.unescape(page[start : page.index("</main>", start)])


def _items(history: str) -> list[str]:
    return [re.sub(r"\s+", " ", i).strip() for i in re.findall(r"<li>([^<]*)</li>", history)]


def test_agreement_history_in_finnish(uusimaa_officer, client_for, revised):
    items = _items(_history(client_for(uusimaa_officer), revised, "fi"))
    assert "voimassa asti: – → 31.12.2030" in items
    assert "hyvinvointialuetta kuultu: – → 1.3.2026" in items
    assert "ottaa vastaan kiireellisiä tapauksia: ei → kyllä" in items
    assert "tarjotut palvelut: – → esteetön asunto" in items
    assert "versio: 1 → 2" in items
    assert "henkilöt: 20 → 25" in items
    assert "tapaukset: – → 4" in items
    # on creation: the values set, a foreign key by name
    assert "aluehallinnon viranomainen: Uudenmaan elinvoimakeskus" in items
    assert "kunta: Helsinki" in items


def test_agreement_history_in_swedish(uusimaa_officer, client_for, revised):
    history = _history(client_for(uusimaa_officer), revised, "sv")
    items = _items(history)
    assert "giltig till: – → 31.12.2030" in items
    assert "tar emot akuta fall: nej → ja" in items
    assert "tjänster som erbjuds: – → tillgänglig bostad" in items
    assert "personer: 20 → 25" in items
    assert "kommun: Helsingfors" in items
    assert "ändrad" in history and "skapad" in history


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_agreement_history_has_no_raw_log_text(uusimaa_officer, client_for, revised, language):
    history = _history(client_for(uusimaa_officer), revised, language)
    for raw in ("placement.", ".None", "None", "True", "False", "accessible_dwelling", "[]"):
        assert raw not in history, raw
    for field in ("id:", "created_at", "updated_at", "valid_until", "self_arranged_moves"):
        assert field not in history, field
    assert f"({YEAR})" not in history  # a year's entry names its year in words
    assert str(YEAR) in history


# --- the access log ----------------------------------------------------------------------------


def _log_rows(client, person, language: str) -> list[list[str]]:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = client.get(reverse("people:access_log", args=[person.pk])).content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("fi", ["etunimet", "sukunimi", "syntymäaika", "kunta"]),
        ("sv", ["förnamn", "efternamn", "födelsedatum", "kommun"]),
    ],
)
def test_access_log_names_fields_and_channels(
    helsinki_worker, helsinki_supervisor, make_person, client_for, language, names
):
    person = make_person(helsinki_worker, family_name="Ahmadi")
    client_for(helsinki_worker).get(reverse("people:list") + "?q=Ahmadi")
    rows = _log_rows(client_for(helsinki_supervisor), person, language)
    listed = next(r for r in rows if r[0] and set(names) <= set(r[5].split(", ")))
    assert "given_names" not in listed[5] and "family_name" not in listed[5]
    with translation.override(language):
        assert listed[6] == labels.channel_label("ui")
    for row in rows:
        assert row[6] not in ("ui", "api", "cli", "task")
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", row[5]), row[5]  # no field's code name


@pytest.mark.parametrize(
    ("object_type", "name", "fi", "sv"),
    [
        ("people.Person", "family_name", "sukunimi", "efternamn"),
        ("people.Person", "nationalities", "kansalaisuudet", "medborgarskap"),
        ("integration.IntegrationClient", "responsible_worker", "vastuutyöntekijä", None),
        ("placement.Arrival", "municipality", "kunta", "kommun"),  # another model's field
        ("people.Person:pseudonymised", "sex", "sukupuoli", "kön"),
    ],
)
def test_field_labels(object_type, name, fi, sv):
    with translation.override("fi"):
        assert labels.field_label(object_type, name) == fi
    if sv:
        with translation.override("sv"):
            assert labels.field_label(object_type, name) == sv


def test_parts_of_a_record_that_are_no_field_have_labels():
    """A person's timeline or identifiers are no one field of the model: they have labels of
    their own; a code name never reaches the page."""
    with translation.override("en"):
        for name in ("due_items", "members.person", "*", "own_plans"):
            assert labels.field_label("people.Person", name) == str(labels.PARTS[name]) != name
        assert labels.field_label("people.Person", "timeline") == str(labels.PARTS["timeline"])
        assert labels.field_label("integration.ClientTransfer", "from_municipality") != (
            "from_municipality"
        )
        assert labels.field_label("people.Person", "no_such_field") == "no_such_field"


def test_unknown_channel_is_shown_as_it_is():
    assert labels.channel_label("other") == "other"
    assert labels.channel_label("") == ""
