"""Duplicate checks across organisations reveal neither who nor where (security issue, point
3): creating a person with another organisation's identity code answered "already
registered", and with another organisation's person's name and date of birth 409 "registered
by another organisation", neither audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kotopaikka.audit.models import AuditEvent
from kotopaikka.people import services
from kotopaikka.people.services import HIDDEN_DUPLICATE_MESSAGE, PersonData

pytestmark = pytest.mark.django_db


@pytest.fixture
def helsinki_resident(helsinki_worker, make_person):
    return make_person(helsinki_worker, given_names="Salla", family_name="Salainen")


def _data_like(person, **overrides) -> PersonData:
    values = {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
    }
    values.update(overrides)
    return PersonData(**values)


def test_another_organisations_identity_code_is_refused_without_naming_anyone_and_audited(
    helsinki_resident, espoo_worker, audit_mark
):
    code = helsinki_resident.identifiers.get(kind="hetu").value
    before = audit_mark()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.person_create(
            actor=espoo_worker,
            data=_data_like(helsinki_resident, given_names="Other", identifiers=[("hetu", code)]),
        )
    with translation.override("en"):
        assert refused.value.message_dict == {"identifiers.hetu": [str(HIDDEN_DUPLICATE_MESSAGE)]}
    text = str(refused.value)
    assert "Salainen" not in text and "Helsinki" not in text and "Helsingfors" not in text
    denied = AuditEvent.objects.get(seq__gt=before, action="denied")
    assert (
        denied.person_id == helsinki_resident.pk and denied.detail["purpose"] == "duplicate_check"
    )


def test_an_identity_code_in_ones_own_scope_is_named_as_already_registered(
    helsinki_resident, helsinki_worker, audit_mark
):
    code = helsinki_resident.identifiers.get(kind="hetu").value
    before = audit_mark()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.person_create(
            actor=helsinki_worker,
            data=_data_like(helsinki_resident, given_names="Other", identifiers=[("hetu", code)]),
        )
    assert refused.value.message_dict == {
        "identifiers.hetu": ["A person with this identifier is already registered."]
    }
    assert not AuditEvent.objects.filter(seq__gt=before, action="denied").exists()


def test_an_update_to_another_organisations_code_is_refused_and_the_refusal_kept(
    helsinki_resident, espoo_worker, make_person, audit_mark
):
    espoo_person = make_person(espoo_worker)
    code = helsinki_resident.identifiers.get(kind="hetu").value
    before = audit_mark()
    with pytest.raises(ValidationError):
        services.person_update(
            actor=espoo_worker,
            person_id=espoo_person.pk,
            changes={
                "identifiers": [("hetu", code)],
                "date_of_birth": helsinki_resident.date_of_birth,
            },
        )
    denied = AuditEvent.objects.filter(seq__gt=before, action="denied")
    assert [e.person_id for e in denied] == [helsinki_resident.pk]


def test_a_name_and_birth_date_match_elsewhere_answers_409_without_organisation_and_is_audited(
    helsinki_resident, espoo_worker, client_for, audit_mark
):
    before = audit_mark()
    response = client_for(espoo_worker).post(
        "/api/v1/persons/",
        {
            "given_names": helsinki_resident.given_names,
            "family_name": helsinki_resident.family_name,
            "date_of_birth": helsinki_resident.date_of_birth.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["matches"] == [{"reason": "name_and_birth_date", "person": None}]
    assert "another organisation" not in str(body) and "Helsinki" not in str(body)
    denied = AuditEvent.objects.get(seq__gt=before, action="denied")
    assert denied.person_id == helsinki_resident.pk


def test_the_form_says_how_to_ask_for_the_record_without_naming_the_organisation(
    helsinki_resident, espoo_worker, client_for
):
    response = client_for(espoo_worker).post(
        "/persons/new/",
        {
            "given_names": helsinki_resident.given_names,
            "family_name": helsinki_resident.family_name,
            "date_of_birth": helsinki_resident.date_of_birth.isoformat(),
            "birth_date_precision": "day",
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "elinvoimakeskus" in body and "Helsinki" not in body.split("<main")[1]
    assert "toinen organisaatio" not in body
