"""Every state × action pair of the placement workflow, through the services: the allowed ones
succeed, the rest are refused with a message naming the current state, and nothing changes.

The expected table is written out here by hand, not read from `placement.workflow`, so that a
wrong transition in the code fails this test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kotopaikka.placement import services, workflow
from kotopaikka.placement.models import PlacementCase, Proposal

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()

EXPECTED_ALLOWED = {
    "waiting": {"propose"},
    "proposed": {"accept", "decline", "withdraw"},
    "accepted": {"decide_placement"},
    "decided": {"record_arrival"},
    "arrived": set(),
    "moved": set(),
    "withdrawn": set(),
}
ACTIONS = ["propose", "accept", "decline", "withdraw", "decide_placement", "record_arrival"]


@pytest.fixture
def parties(uusimaa_officer, helsinki_worker, make_agreement):
    for code in ("091", "049"):
        make_agreement(uusimaa_officer, code, 50)
    return uusimaa_officer, helsinki_worker


def _case_in(state: str, officer, worker) -> tuple[PlacementCase, Proposal]:
    """A case brought to `state` through the services (the last two by hand: no action of
    this table leads to them), with the proposal the actions will act on."""
    case = services.case_create(
        actor=officer,
        data=services.CaseData(reference=f"147-7{state[:3]}", members=[services.MemberData(30)]),
    )
    proposal = services.proposal_create(actor=officer, case_id=case.pk, municipality_code="091")
    steps = {
        "waiting": [
            lambda: services.proposal_decide(
                actor=worker, proposal_id=proposal.pk, accept=False, reason="other"
            )
        ],
        "proposed": [],
        "accepted": [
            lambda: services.proposal_decide(actor=worker, proposal_id=proposal.pk, accept=True)
        ],
    }
    steps["decided"] = [
        *steps["accepted"],
        lambda: services.placement_decide(actor=officer, proposal_id=proposal.pk),
    ]
    steps["arrived"] = [
        *steps["decided"],
        lambda: services.arrival_record(actor=worker, proposal_id=proposal.pk, arrived_on=TODAY),
    ]
    for step in steps.get(state, steps["waiting"]):
        step()
    if state in ("moved", "withdrawn"):
        PlacementCase.objects.filter(pk=case.pk).update(status=state)
    case.refresh_from_db()
    proposal.refresh_from_db()
    assert case.status == state
    return case, proposal


def _do(action: str, case, proposal, officer, worker):
    if action == "propose":  # to Espoo: Helsinki has declined the waiting case
        return services.proposal_create(actor=officer, case_id=case.pk, municipality_code="049")
    if action in ("accept", "decline"):
        return services.proposal_decide(
            actor=worker, proposal_id=proposal.pk, accept=action == "accept", reason="other"
        )
    if action == "withdraw":
        return services.proposal_withdraw(actor=officer, proposal_id=proposal.pk)
    if action == "decide_placement":
        return services.placement_decide(actor=officer, proposal_id=proposal.pk)
    return services.arrival_record(actor=worker, proposal_id=proposal.pk, arrived_on=TODAY)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", list(EXPECTED_ALLOWED))
def test_state_by_action(state, action, parties):
    officer, worker = parties
    case, proposal = _case_in(state, officer, worker)
    if action in EXPECTED_ALLOWED[state]:
        _do(action, case, proposal, officer, worker)
        return
    before = (case.status, proposal.status, proposal.placement_decided_on)
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            _do(action, case, proposal, officer, worker)
        message = " ".join(refused.value.messages)
        # the refusal names the state that stands in the way: the case's, or the proposal's
        names = {str(case.get_status_display()), str(proposal.get_status_display())}
    case.refresh_from_db()
    proposal.refresh_from_db()
    assert (case.status, proposal.status, proposal.placement_decided_on) == before
    assert any(name in message for name in names), message
    assert message.startswith("Cannot "), message


def test_arrival_needs_the_placement_decision_first(parties):
    """The probe that found the hole: arrival recorded right after acceptance."""
    officer, worker = parties
    _case, proposal = _case_in("accepted", officer, worker)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.arrival_record(actor=worker, proposal_id=proposal.pk, arrived_on=TODAY)
    assert refused.value.message_dict == {
        "case": ["Cannot record the arrival: the case is accepted by a municipality."]
    }


def test_the_pages_offer_exactly_what_the_table_allows(parties):
    officer, worker = parties
    for state, expected in EXPECTED_ALLOWED.items():
        case, proposal = _case_in(state, officer, worker)
        offered = {str(a) for a in workflow.allowed_actions(case, proposal)}
        if state in ("waiting", "proposed"):
            expected = expected | {"confirm_move"}
        if state in ("accepted", "decided", "arrived"):
            expected = expected | {"record_identities"}
        assert offered == expected, state
