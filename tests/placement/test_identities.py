"""Receiving the family: the identities of an accepted case's members become person records
linked to the case, one household, the accepting municipality's persons, and (after arrival)
its integration clients, all through the owners' services and audited per person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kotopaikka.audit.models import AuditEvent
from kotopaikka.integration.models import IntegrationClient
from kotopaikka.people.models import HouseholdMember, Person
from kotopaikka.people.services import FamilyDuplicatesWarning, FamilyMember, PersonData
from kotopaikka.placement import services

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def family_case(uusimaa_officer, helsinki_worker, make_agreement):
    make_agreement(uusimaa_officer)
    case = services.case_create(
        actor=uusimaa_officer,
        data=services.CaseData(
            reference="147-20000001",
            members=[services.MemberData(age=38, sex="female"), services.MemberData(age=9)],
        ),
    )
    proposal = services.proposal_create(
        actor=uusimaa_officer, case_id=case.pk, municipality_code="091"
    )
    return case, proposal


def _accept(proposal, worker):
    services.proposal_decide(actor=worker, proposal_id=proposal.pk, accept=True)


def _identities(case, **second):
    head, child = case.members.order_by("-age")
    return [
        services.MemberIdentity(
            head.pk,
            FamilyMember(
                PersonData(
                    given_names="Amina",
                    family_name="Rahimi",
                    date_of_birth=dt.date(1988, 4, 2),
                    sex="female",
                    other_names=[("أمينة رحيمي", "Arab")],
                    identifiers=[("unhcr", "147-88C12345")],
                    nationalities=["AFG"],
                    languages=[("prs", "native")],
                )
            ),
        ),
        services.MemberIdentity(
            child.pk,
            FamilyMember(
                PersonData(
                    given_names=second.get("given_names", "Omid"),
                    family_name="Rahimi",
                    date_of_birth=second.get("born", dt.date(2017, 1, 1)),
                    birth_date_precision="year",
                ),
                relation=second.get("relation", "child"),
            ),
        ),
    ]


def test_the_officer_enters_the_family_after_acceptance(
    family_case, uusimaa_officer, helsinki_worker, client_for
):
    case, proposal = family_case
    _accept(proposal, helsinki_worker)
    persons = services.case_identities_record(
        actor=uusimaa_officer, case_id=case.pk, identities=_identities(case)
    )
    assert [p.given_names for p in persons] == ["Amina", "Omid"]
    assert set(case.members.values_list("person_id", flat=True)) == {p.pk for p in persons}
    assert {p.municipality.code for p in Person.objects.filter(pk__in=[p.pk for p in persons])} == {
        "091"
    }
    relations = dict(HouseholdMember.objects.values_list("person_id", "relation"))
    assert relations == {persons[0].pk: "head", persons[1].pk: "child"}
    for person in persons:  # created, joined the household, moved to Helsinki: each audited
        actions = list(
            AuditEvent.objects.filter(person_id=person.pk).values_list("action", "fields")
        )
        assert (
            "create",
            [
                "date_of_birth",
                "family_name",
                "given_names",
                "identifiers",
                "languages",
                "nationalities",
                "other_names",
                "regional_authority",
                "sex",
            ],
        ) in actions or actions[0][0] == "create"
        assert ("update", ["household"]) in actions and ("update", ["municipality"]) in actions
    page = client_for(helsinki_worker).get(reverse("placement:case", args=[case.pk]))
    assert "Amina" in page.content.decode() and "أمينة" not in page.content.decode()


def test_a_bad_member_saves_nothing_and_is_named_by_number(
    family_case, uusimaa_officer, helsinki_worker
):
    case, proposal = family_case
    _accept(proposal, helsinki_worker)
    before = Person.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.case_identities_record(
            actor=uusimaa_officer, case_id=case.pk, identities=_identities(case, given_names="")
        )
    assert "members.2.given_names" in refused.value.message_dict
    assert Person.objects.count() == before
    assert not case.members.filter(person__isnull=False).exists()


def test_a_child_born_before_the_head_is_refused(family_case, uusimaa_officer, helsinki_worker):
    case, proposal = family_case
    _accept(proposal, helsinki_worker)
    with pytest.raises(ValidationError) as refused:
        services.case_identities_record(
            actor=uusimaa_officer,
            case_id=case.pk,
            identities=_identities(case, born=dt.date(1950, 1, 1)),
        )
    assert "relation" in refused.value.message_dict
    assert not Person.objects.filter(family_name="Rahimi").exists()


def test_identities_wait_for_acceptance(family_case, uusimaa_officer):
    case, _proposal = family_case
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.case_identities_record(
            actor=uusimaa_officer, case_id=case.pk, identities=_identities(case)
        )
    assert "proposed to a municipality" in refused.value.messages[0]


def test_a_possible_duplicate_warns_per_member_until_confirmed(
    family_case, uusimaa_officer, helsinki_worker, make_person
):
    case, proposal = family_case
    _accept(proposal, helsinki_worker)
    make_person(
        uusimaa_officer,
        given_names="Amina",
        family_name="Rahimi",
        date_of_birth=dt.date(1988, 4, 2),
        identifiers=[],
    )
    with pytest.raises(FamilyDuplicatesWarning) as warned:
        services.case_identities_record(
            actor=uusimaa_officer, case_id=case.pk, identities=_identities(case)
        )
    assert list(warned.value.matches) == [1]
    identities = _identities(case)
    identities[0].person.confirm_possible_duplicate = True
    services.case_identities_record(actor=uusimaa_officer, case_id=case.pk, identities=identities)
    assert case.members.filter(person__isnull=False).count() == 2


def test_after_arrival_the_municipality_enters_them_and_they_become_clients(
    family_case, uusimaa_officer, helsinki_worker
):
    case, proposal = family_case
    _accept(proposal, helsinki_worker)
    services.placement_decide(actor=uusimaa_officer, proposal_id=proposal.pk)
    services.arrival_record(actor=helsinki_worker, proposal_id=proposal.pk, arrived_on=TODAY)
    persons = services.case_identities_record(
        actor=helsinki_worker, case_id=case.pk, identities=_identities(case)
    )
    clients = IntegrationClient.objects.filter(person__in=persons)
    assert {(c.municipality.code, c.client_since) for c in clients} == {("091", TODAY)}
    assert (
        Person.objects.for_actor(helsinki_worker).filter(pk__in=[p.pk for p in persons]).count()
        == 2
    )


def test_the_page_enters_the_family(family_case, uusimaa_officer, helsinki_worker, client_for):
    case, proposal = family_case
    _accept(proposal, helsinki_worker)
    head, child = case.members.order_by("-age")
    client = client_for(uusimaa_officer)
    url = reverse("placement:case_identities", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200 and f'name="m{child.pk}-relation"' in page.content.decode()
    data = {
        f"m{head.pk}-given_names": "Amina",
        f"m{head.pk}-family_name": "Rahimi",
        f"m{head.pk}-date_of_birth": "1988-04-02",
        f"m{head.pk}-birth_date_precision": "day",
        f"m{child.pk}-given_names": "",
        f"m{child.pk}-family_name": "Rahimi",
        f"m{child.pk}-birth_date_precision": "day",
        f"m{child.pk}-relation": "child",
    }
    assert client.post(url, data).status_code == 400  # the child's given names missing
    assert not Person.objects.filter(family_name="Rahimi").exists()
    data[f"m{child.pk}-given_names"] = "Omid"
    assert client.post(url, data).status_code == 302
    assert Person.objects.filter(family_name="Rahimi").count() == 2
