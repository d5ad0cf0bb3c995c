"""Household links never show a member outside the viewer's scope (security issue, point 2):
a placement officer linked an Espoo resident into a Helsinki household, and Helsinki's worker
then saw her name on the page and her id in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kotopaikka.audit.models import AuditEvent
from kotopaikka.people import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_household(uusimaa_officer, helsinki_worker, espoo_worker, make_person):
    """A Helsinki head of household, a Helsinki child, and an Espoo resident linked by the
    officer (whose area covers both)."""
    head = make_person(helsinki_worker, given_names="Hamid", family_name="Helsinkiläinen")
    child = make_person(helsinki_worker, given_names="Hana", family_name="Helsinkiläinen")
    espoo = make_person(espoo_worker, given_names="Eeva", family_name="Espoolainen")
    services.household_link(
        actor=uusimaa_officer, person_id=head.pk, relative_id=child.pk, relation="child"
    )
    services.household_link(
        actor=uusimaa_officer, person_id=head.pk, relative_id=espoo.pk, relation="spouse"
    )
    return head, child, espoo


def test_the_page_shows_an_out_of_scope_member_without_name_or_id(
    mixed_household, helsinki_worker, client_for
):
    head, _child, espoo = mixed_household
    body = client_for(helsinki_worker).get(reverse("people:detail", args=[head.pk])).content
    assert b"Espoolainen" not in body and b"Eeva" not in body
    assert str(espoo.pk).encode() not in body
    assert espoo.date_of_birth.strftime("%-d.%-m.%Y").encode() not in body
    assert "perheenjäsen toisessa kunnassa".encode() in body
    assert b"Hana" in body  # the in-scope child is shown


def test_the_api_shows_an_out_of_scope_member_without_an_id(
    mixed_household, helsinki_worker, client_for
):
    head, child, espoo = mixed_household
    data = client_for(helsinki_worker).get(f"/api/v1/persons/{head.pk}/").json()
    assert str(espoo.pk) not in str(data)
    household = {(m["person"], m["relation"], m["in_scope"]) for m in data["household"]}
    assert household == {
        (str(head.pk), "head", True),
        (str(child.pk), "child", True),
        (None, "spouse", False),
    }


def test_the_read_names_the_relatives_shown_and_not_the_hidden_one(
    mixed_household, helsinki_worker, client_for, audit_mark
):
    head, child, _espoo = mixed_household
    before = audit_mark()
    client_for(helsinki_worker).get(reverse("people:detail", args=[head.pk]))
    event = AuditEvent.objects.get(seq__gt=before, action="read")
    assert event.person_id == head.pk
    assert event.subject_ids.split() == [str(child.pk)]


def test_the_officer_who_sees_all_three_sees_all_three(
    mixed_household, uusimaa_officer, client_for
):
    head, child, espoo = mixed_household
    data = client_for(uusimaa_officer).get(f"/api/v1/persons/{head.pk}/").json()
    assert {m["person"] for m in data["household"]} == {str(head.pk), str(child.pk), str(espoo.pk)}


def test_linking_through_the_api_answers_without_out_of_scope_ids(
    mixed_household, helsinki_worker, make_person, client_for
):
    head, _child, espoo = mixed_household
    newborn = make_person(helsinki_worker, given_names="Nuori")
    response = client_for(helsinki_worker).post(
        f"/api/v1/persons/{head.pk}/household/",
        {"relative": str(newborn.pk), "relation": "child"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert str(espoo.pk) not in response.content.decode()


@pytest.mark.parametrize(
    ("relation", "relative_born", "refused"),
    [
        ("child", "1970-01-01", True),  # a child born before the parent
        ("child", "2010-01-01", False),
        ("parent", "2010-01-01", True),  # a parent born after the child
        ("parent", "1950-01-01", False),
        ("sibling", "1950-01-01", False),
    ],
)
def test_a_child_cannot_be_born_before_their_parent(
    relation, relative_born, refused, helsinki_worker, make_person
):
    import datetime as dt

    from django.core.exceptions import ValidationError

    head = make_person(helsinki_worker, date_of_birth=dt.date(1985, 6, 1))
    relative = make_person(helsinki_worker, date_of_birth=dt.date.fromisoformat(relative_born))
    link = lambda: services.household_link(  # noqa: E731
        actor=helsinki_worker, person_id=head.pk, relative_id=relative.pk, relation=relation
    )
    if refused:
        with pytest.raises(ValidationError) as caught:
            link()
        assert list(caught.value.message_dict) == ["relation"]
    else:
        link()


def test_a_person_cannot_be_their_own_relative(helsinki_worker, make_person):
    from django.core.exceptions import ValidationError

    person = make_person(helsinki_worker)
    with pytest.raises(ValidationError) as caught:
        services.household_link(
            actor=helsinki_worker, person_id=person.pk, relative_id=person.pk, relation="child"
        )
    assert list(caught.value.message_dict) == ["relative"]
