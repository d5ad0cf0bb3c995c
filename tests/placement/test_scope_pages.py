"""Placement pages keep to the organisation (every route with an id is in the matrix of
tests/test_refusals.py, which also checks that none is missing): another municipality or another regional
authority gets 404 (never learning that the case exists) and the attempt is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kotopaikka.audit.models import AuditEvent
from kotopaikka.placement import services
from kotopaikka.placement.models import Proposal

pytestmark = pytest.mark.django_db

#: (url name, method, data, which outsider) for every placement route with a case or proposal id
ROUTES = [
    ("placement:case", "get", None, "municipality"),
    ("placement:case", "get", None, "authority"),
    ("placement:decide", "post", {"decision": "accept"}, "municipality"),
    ("placement:arrival", "post", {"date": dt.date.today().isoformat()}, "municipality"),
    ("placement:propose", "post", {"municipality": "091"}, "authority"),
    ("placement:withdraw", "post", {}, "authority"),
    ("placement:placement_decision", "post", {}, "authority"),
    ("api-case-detail", "get", None, "municipality"),
    ("api-case-propose", "post", {"municipality": "091"}, "authority"),
    ("api-proposal-decide", "post", {"accept": True}, "municipality"),
    ("api-proposal-withdraw", "post", {}, "authority"),
    ("api-placement-decision", "post", {}, "authority"),
    ("api-arrival", "post", {"date": dt.date.today().isoformat()}, "municipality"),
]
CASE_ONLY = {"placement:case", "placement:propose", "api-case-detail", "api-case-propose"}
PROPOSAL_ONLY = {
    "placement:decide",
    "api-proposal-decide",
    "api-proposal-withdraw",
    "api-placement-decision",
    "api-arrival",
}


def _agreement(officer, code: str, persons: int) -> None:
    today = dt.date.today()
    services.agreement_save(
        actor=officer,
        municipality_code=code,
        valid_from=dt.date(today.year, 1, 1),
        valid_until=None,
        years={today.year: {"persons": persons}},
        services=[],
        accepts_emergency_cases=False,
        wellbeing_county_consulted_on=None,
    )


@pytest.fixture
def proposed(uusimaa_officer):
    _agreement(uusimaa_officer, "091", 20)
    case = services.case_create(
        actor=uusimaa_officer,
        data=services.CaseData(reference="147-90000001", members=[services.MemberData(age=30)]),
    )
    proposal = services.proposal_create(
        actor=uusimaa_officer, case_id=case.pk, municipality_code="091"
    )
    return case, proposal


def _kwargs(name, case, proposal):
    if name in CASE_ONLY:
        return {"case_id": case.pk}
    if name in PROPOSAL_ONLY:
        return {"proposal_id": proposal.pk}
    return {"case_id": case.pk, "proposal_id": proposal.pk}


@pytest.mark.parametrize(("name", "method", "data", "outsider"), ROUTES)
def test_outsiders_get_404_and_are_audited(
    name, method, data, outsider, proposed, espoo_worker, north_officer, client_for, audit_mark
):
    case, proposal = proposed
    actor = espoo_worker if outsider == "municipality" else north_officer
    before = audit_mark()
    url = reverse(name, kwargs=_kwargs(name, case, proposal))
    client = client_for(actor)
    if name.startswith("api-") and method == "post":
        response = client.post(url, data or {}, content_type="application/json")
    else:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 404
    assert b"147-90000001" not in response.content
    denied = AuditEvent.objects.filter(
        seq__gt=before, action="denied", actor_username=actor.user.username
    )
    assert denied.count() == 1
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING


def test_the_right_municipality_sees_the_case_and_can_decide(proposed, helsinki_worker, client_for):
    case, proposal = proposed
    client = client_for(helsinki_worker)
    assert client.get(reverse("placement:case", kwargs={"case_id": case.pk})).status_code == 200
    response = client.post(
        reverse("placement:decide", kwargs={"proposal_id": proposal.pk}), {"decision": "accept"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED


def test_inbox_and_queue_show_only_own_cases(proposed, helsinki_worker, espoo_worker, client_for):
    assert b"147-90000001" in client_for(helsinki_worker).get(reverse("placement:inbox")).content
    inbox = client_for(espoo_worker).get(reverse("placement:inbox"))
    assert inbox.status_code == 200
    assert b"147-90000001" not in inbox.content
    queue = client_for(espoo_worker).get(reverse("placement:queue") + "?status=proposed")
    assert queue.status_code == 200
    assert b"147-90000001" not in queue.content


@pytest.mark.parametrize("fixture", ["analyst", "keha_handler", "sysadmin"])
def test_roles_without_case_access_are_refused(fixture, request, proposed, client_for):
    case, _proposal = proposed
    client = client_for(request.getfixturevalue(fixture))
    assert client.get(reverse("placement:case", kwargs={"case_id": case.pk})).status_code == 403
    assert client.get(reverse("placement:queue")).status_code == 403


def test_a_municipality_sees_only_its_own_proposal_of_a_case_on_the_page_and_in_the_api(
    proposed, uusimaa_officer, north_officer, helsinki_worker, espoo_worker, client_for
):
    """Proposal scope is one rule (placement.scope.proposal_scope_q): the case page and the API
    both show Espoo its own proposal, not that Helsinki declined the case before it."""
    case, declined = proposed
    services.proposal_decide(
        actor=helsinki_worker, proposal_id=declined.pk, accept=False, reason="no_housing"
    )
    _agreement(uusimaa_officer, "049", 5)
    pending = services.proposal_create(
        actor=uusimaa_officer, case_id=case.pk, municipality_code="049"
    )
    espoo = client_for(espoo_worker)
    api = espoo.get(reverse("api-case-detail", kwargs={"case_id": case.pk})).json()
    assert [p["id"] for p in api["proposals"]] == [str(pending.pk)]
    page = espoo.get(reverse("placement:case", kwargs={"case_id": case.pk}))
    assert [p.pk for p in page.context["proposals"]] == [pending.pk]
    officer = client_for(uusimaa_officer)
    api = officer.get(reverse("api-case-detail", kwargs={"case_id": case.pk})).json()
    assert {p["id"] for p in api["proposals"]} == {str(pending.pk), str(declined.pk)}

    assert set(Proposal.objects.for_actor(uusimaa_officer)) == {pending, declined}
    assert list(Proposal.objects.for_actor(helsinki_worker)) == [declined]
    assert list(Proposal.objects.for_actor(espoo_worker)) == [pending]
    assert not Proposal.objects.for_actor(north_officer).exists()
    assert not Proposal.objects.for_actor(None).exists()
