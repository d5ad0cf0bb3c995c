"""Registering and changing persons: validation by field, duplicates, households, dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kotopaikka.audit.models import AuditEvent
from kotopaikka.people import services
from kotopaikka.people.models import Household, Person, PersonIdentifier
from kotopaikka.people.services import PersonData

pytestmark = pytest.mark.django_db


def data(**overrides) -> PersonData:
    values = {"given_names": "Amina", "family_name": "Yusuf", "date_of_birth": dt.date(1990, 5, 1)}
    values.update(overrides)
    return PersonData(**values)


def test_new_person_belongs_to_the_registering_organisation(
    helsinki_worker, uusimaa_officer, reception_worker
):
    p1 = services.person_create(actor=helsinki_worker, data=data(family_name="A"))
    p2 = services.person_create(actor=uusimaa_officer, data=data(family_name="B"))
    p3 = services.person_create(actor=reception_worker, data=data(family_name="C"))
    assert p1.municipality.code == "091" and p1.regional_authority is None
    assert p2.regional_authority.code == "evk-01" and p2.municipality is None
    assert p3.reception_centre.code == "reception-joutseno"


def test_all_errors_are_reported_by_field_and_nothing_is_written(helsinki_worker):
    persons, events = Person.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=helsinki_worker,
            data=data(
                given_names=" ",
                date_of_birth=dt.date(2090, 1, 1),
                identifiers=[("hetu", "010594Y9033"), ("unhcr", "nope")],
                nationalities=["XYZ"],
                languages=[("zz", "native")],
            ),
        )
    errors = caught.value.message_dict
    assert set(errors) == {
        "given_names",
        "date_of_birth",
        "identifiers.hetu",
        "identifiers.unhcr",
        "nationalities",
        "languages",
    }
    assert (Person.objects.count(), AuditEvent.objects.count()) == (persons, events)


def test_error_messages_are_in_the_users_language(helsinki_worker):
    with translation.override("sv"), pytest.raises(ValidationError) as sv:
        services.person_create(actor=helsinki_worker, data=data(family_name=""))
    with translation.override("en"), pytest.raises(ValidationError) as en:
        services.person_create(actor=helsinki_worker, data=data(family_name=""))
    assert en.value.message_dict["family_name"] == ["Family name is required."]
    assert sv.value.message_dict["family_name"] != en.value.message_dict["family_name"]


def test_hetu_must_match_the_date_of_birth(helsinki_worker):
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=helsinki_worker,
            data=data(date_of_birth=dt.date(1994, 5, 2), identifiers=[("hetu", "010594Y9032")]),
        )
    assert "identifiers.hetu" in caught.value.message_dict
    person = services.person_create(
        actor=helsinki_worker,
        data=data(date_of_birth=dt.date(1994, 5, 1), identifiers=[("hetu", "010594y9032")]),
    )
    ident = person.identifiers.get()
    assert (ident.value, ident.is_temporary) == ("010594Y9032", True)


def test_year_only_birth_date_is_stored_as_1_january_with_its_precision(helsinki_worker):
    person = services.person_create(
        actor=helsinki_worker,
        data=data(date_of_birth=dt.date(1987, 8, 15), birth_date_precision="year"),
    )
    assert (person.date_of_birth, person.birth_date_precision) == (dt.date(1987, 1, 1), "year")


def test_names_in_other_scripts_are_kept(helsinki_worker):
    person = services.person_create(
        actor=helsinki_worker, data=data(other_names=[("أمينة يوسف", "Arab"), ("Амина", "Cyrl")])
    )
    assert sorted((n.value, n.script) for n in person.other_names.all()) == [
        ("Амина", "Cyrl"),
        ("أمينة يوسف", "Arab"),
    ]


def test_codes_are_normalised(helsinki_worker):
    person = services.person_create(
        actor=helsinki_worker,
        data=data(nationalities=["af", "SYR"], languages=[("fa", "native"), ("eng", "good")]),
    )
    assert sorted(n.country for n in person.nationalities.all()) == ["AFG", "SYR"]
    assert sorted(lang.language for lang in person.languages.all()) == ["eng", "fas"]


def test_same_name_and_birth_date_warns_and_can_be_confirmed(helsinki_worker):
    first = services.person_create(actor=helsinki_worker, data=data())
    with pytest.raises(services.DuplicatePersonWarning) as warning:
        services.person_create(actor=helsinki_worker, data=data(given_names="amina"))
    assert [(m.reason, m.person) for m in warning.value.matches] == [("name_and_birth_date", first)]
    second = services.person_create(
        actor=helsinki_worker, data=data(), confirm_possible_duplicate=True
    )
    assert second.pk != first.pk


def test_duplicate_in_another_municipality_warns_without_revealing_the_person(
    helsinki_worker, espoo_worker
):
    services.person_create(actor=helsinki_worker, data=data())
    with pytest.raises(services.DuplicatePersonWarning) as warning:
        services.person_create(actor=espoo_worker, data=data())
    assert [(m.reason, m.person) for m in warning.value.matches] == [("name_and_birth_date", None)]


def test_identity_code_is_unique_across_the_whole_register(helsinki_worker, espoo_worker):
    services.person_create(
        actor=helsinki_worker,
        data=data(date_of_birth=dt.date(1994, 5, 1), identifiers=[("hetu", "010594Y9032")]),
    )
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=espoo_worker,
            data=data(
                family_name="Other",
                date_of_birth=dt.date(1994, 5, 1),
                identifiers=[("hetu", "010594Y9032")],
            ),
            confirm_possible_duplicate=True,
        )
    assert "identifiers.hetu" in caught.value.message_dict
    assert PersonIdentifier.objects.filter(kind="hetu").count() == 1


def test_ui_duplicate_warning_then_confirmation(helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    form = {
        "given_names": "Amina",
        "family_name": "Yusuf",
        "date_of_birth": "1990-05-01",
        "birth_date_precision": "day",
    }
    assert client.post(reverse("people:create"), form).status_code == 302
    warned = client.post(reverse("people:create"), form)
    assert warned.status_code == 409 and Person.objects.filter(family_name="Yusuf").count() == 1
    confirmed = client.post(reverse("people:create"), {**form, "confirm_possible_duplicate": "on"})
    assert confirmed.status_code == 302 and Person.objects.filter(family_name="Yusuf").count() == 2


def test_ui_form_shows_errors_next_to_the_field_and_keeps_input(helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    response = client.post(
        reverse("people:create"),
        {
            "given_names": "Amina",
            "family_name": "Yusuf",
            "birth_date_precision": "day",
            "identifier_hetu": "123",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["identifier_hetu"]
    assert b'value="Amina"' in response.content
    assert not Person.objects.filter(family_name="Yusuf").exists()


def test_household_link_and_unlink(helsinki_worker, make_person):
    parent, child = make_person(helsinki_worker), make_person(helsinki_worker)
    household = services.household_link(
        actor=helsinki_worker, person_id=parent.pk, relative_id=child.pk, relation="child"
    )
    assert sorted(m.relation for m in household.members.all()) == ["child", "head"]
    services.household_unlink(actor=helsinki_worker, person_id=child.pk)
    services.household_unlink(actor=helsinki_worker, person_id=parent.pk)
    assert not Household.objects.filter(pk=household.pk).exists()


def test_household_cannot_span_organisations(helsinki_worker, espoo_worker, make_person):
    parent, other = make_person(helsinki_worker), make_person(espoo_worker)
    with pytest.raises(services.PersonNotFound):
        services.household_link(
            actor=helsinki_worker, person_id=parent.pk, relative_id=other.pk, relation="child"
        )
    assert not Household.objects.exists()


def test_update_refuses_unknown_fields(helsinki_worker, make_person):
    person = make_person(helsinki_worker)
    with pytest.raises(ValidationError) as caught:
        services.person_update(
            actor=helsinki_worker, person_id=person.pk, changes={"municipality": "049"}
        )
    assert "municipality" in caught.value.message_dict


def test_household_member_search_offers_radio_buttons_the_link_form_accepts(
    helsinki_worker, make_person, client_for
):
    """The "Add a family member" search (``?picker=1``) must return choices named
    ``relative``, which the household link form reads; the plain list's rows have none."""
    person = make_person(helsinki_worker, family_name="Haidari")
    relative = make_person(helsinki_worker, family_name="Rahimi")
    client = client_for(helsinki_worker)
    url = reverse("people:list")
    picker = client.get(url, {"picker": "1", "q": "Rahimi"}, HTTP_HX_REQUEST="true")
    assert picker.status_code == 200
    assert f'name="relative" id="relative-{relative.pk}" value="{relative.pk}"' in (
        picker.content.decode()
    )
    rows = client.get(url, {"q": "Rahimi"}, HTTP_HX_REQUEST="true")
    assert 'name="relative"' not in rows.content.decode()
    linked = client.post(
        reverse("people:household_link", args=[person.pk]),
        {"relative": str(relative.pk), "relation": "spouse"},
    )
    assert linked.status_code in (200, 302)
    person.refresh_from_db()
    assert (
        Household.objects.filter(members__person=person).filter(members__person=relative).exists()
    )
