"""Point 13 of the security issue: values outside their code lists and limits are refused on
every entry path (form, API, import) with an error that names the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kotopaikka.placement import services
from kotopaikka.placement.models import Proposal

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def pending(uusimaa_officer):
    services.agreement_save(
        actor=uusimaa_officer,
        municipality_code="091",
        valid_from=dt.date(TODAY.year, 1, 1),
        valid_until=None,
        years={TODAY.year: {"persons": 20}},
        services=[],
        accepts_emergency_cases=False,
        wellbeing_county_consulted_on=None,
    )
    case = services.case_create(
        actor=uusimaa_officer,
        data=services.CaseData(reference="147-60000001", members=[services.MemberData(age=30)]),
    )
    return services.proposal_create(actor=uusimaa_officer, case_id=case.pk, municipality_code="091")


def test_a_too_long_decline_note_is_refused_naming_the_note_and_its_limit(pending, helsinki_worker):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.proposal_decide(
            actor=helsinki_worker,
            proposal_id=pending.pk,
            accept=False,
            reason="other",
            note="x" * 5000,
        )
    assert refused.value.message_dict == {
        "note": ["The note can be at most 500 characters (it has 5000)."]
    }
    pending.refresh_from_db()
    assert pending.status == Proposal.Status.PENDING


def test_the_decision_page_names_the_note_when_it_is_too_long(pending, helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    response = client.post(
        reverse("placement:decide", kwargs={"proposal_id": pending.pk}),
        {"decision": "decline", "reason": "other", "note": "x" * 5000},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Huomautus:") and "500" in m for m in shown), shown
    pending.refresh_from_db()
    assert pending.status == Proposal.Status.PENDING
