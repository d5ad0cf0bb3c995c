"""Shared fixtures of the integration-services tests."""

from __future__ import annotations

import datetime as dt

import pytest

from kotopaikka.integration.models import IntegrationClient
from kotopaikka.placement import services as placement

TODAY = dt.date.today()


@pytest.fixture
def arrived(uusimaa_officer, helsinki_worker, make_person, make_agreement):
    """A quota family of two that arrived in Helsinki with its permit and residence dates."""
    make_agreement(uusimaa_officer)
    case = placement.case_create(
        actor=uusimaa_officer,
        data=placement.CaseData(
            reference="147-40000001",
            members=[placement.MemberData(age=40), placement.MemberData(age=12)],
        ),
    )
    persons = [make_person(uusimaa_officer), make_person(uusimaa_officer)]
    for member, person in zip(case.members.all(), persons, strict=True):
        member.person = person
        member.save()
    proposal = placement.proposal_create(
        actor=uusimaa_officer, case_id=case.pk, municipality_code="091"
    )
    placement.proposal_decide(actor=helsinki_worker, proposal_id=proposal.pk, accept=True)
    placement.placement_decide(actor=uusimaa_officer, proposal_id=proposal.pk)
    placement.arrival_record(
        actor=helsinki_worker,
        proposal_id=proposal.pk,
        arrived_on=TODAY - dt.timedelta(days=10),
        first_residence_date=TODAY - dt.timedelta(days=5),
        residence_permit_on=TODAY - dt.timedelta(days=60),
    )
    return IntegrationClient.objects.filter(person__in=persons).order_by("person__family_name")
