"""The placement workflow as one state machine: which action may happen in which state.

One table for the case and one for its proposal. Services check every change against them
(`check`), pages show only the actions that the table allows (`allowed_actions`), and the API,
which calls the services, refuses the rest with the same message naming the current state.
Nothing else in the project decides whether, say, an arrival may be recorded.

A case moves with its active proposal:

    waiting --propose--> proposed --accept--> accepted --decide_placement--> decided
       ^                  |  |                                                  |
       +----decline-------+  +--withdraw--> waiting         record_arrival --> arrived
    waiting / proposed --confirm_move--> moved  (a self-arranged move, confirmed by the
                                                 regional authority that holds the case)
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import PlacementCase, Proposal

CaseStatus = PlacementCase.Status
ProposalStatus = Proposal.Status


class Action(StrEnum):
    PROPOSE = "propose"
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    DECIDE_PLACEMENT = "decide_placement"
    RECORD_ARRIVAL = "record_arrival"
    CONFIRM_MOVE = "confirm_move"
    RECORD_IDENTITIES = "record_identities"


ACTION_LABELS = {
    Action.PROPOSE: gettext_lazy("propose to a municipality"),
    Action.ACCEPT: gettext_lazy("accept"),
    Action.DECLINE: gettext_lazy("decline"),
    Action.WITHDRAW: gettext_lazy("withdraw the proposal"),
    Action.DECIDE_PLACEMENT: gettext_lazy("record the placement decision"),
    Action.RECORD_ARRIVAL: gettext_lazy("record the arrival"),
    Action.CONFIRM_MOVE: gettext_lazy("confirm a self-arranged move"),
    Action.RECORD_IDENTITIES: gettext_lazy("enter the members' identities"),
}

#: action -> (case states it may happen in, the case's state after it; None: unchanged)
CASE_TRANSITIONS: dict[Action, tuple[frozenset[str], str | None]] = {
    Action.PROPOSE: (frozenset({CaseStatus.WAITING}), CaseStatus.PROPOSED),
    Action.ACCEPT: (frozenset({CaseStatus.PROPOSED}), CaseStatus.ACCEPTED),
    Action.DECLINE: (frozenset({CaseStatus.PROPOSED}), CaseStatus.WAITING),
    Action.WITHDRAW: (frozenset({CaseStatus.PROPOSED}), CaseStatus.WAITING),
    Action.DECIDE_PLACEMENT: (frozenset({CaseStatus.ACCEPTED}), CaseStatus.DECIDED),
    Action.RECORD_ARRIVAL: (frozenset({CaseStatus.DECIDED}), CaseStatus.ARRIVED),
    Action.CONFIRM_MOVE: (
        frozenset({CaseStatus.WAITING, CaseStatus.PROPOSED}),
        CaseStatus.MOVED_INDEPENDENTLY,
    ),
    # After acceptance the identities from the personal data form are entered (by the
    # regional authority, or by the municipality on arrival); the case stays where it is.
    Action.RECORD_IDENTITIES: (
        frozenset({CaseStatus.ACCEPTED, CaseStatus.DECIDED, CaseStatus.ARRIVED}),
        None,
    ),
}

#: action -> (proposal states it may happen in, the proposal's state after it); actions on a
#: case that do not involve its proposal are not listed.
PROPOSAL_TRANSITIONS: dict[Action, tuple[frozenset[str], str]] = {
    Action.ACCEPT: (frozenset({ProposalStatus.PENDING}), ProposalStatus.ACCEPTED),
    Action.DECLINE: (frozenset({ProposalStatus.PENDING}), ProposalStatus.DECLINED),
    Action.WITHDRAW: (frozenset({ProposalStatus.PENDING}), ProposalStatus.WITHDRAWN),
    Action.DECIDE_PLACEMENT: (frozenset({ProposalStatus.ACCEPTED}), ProposalStatus.ACCEPTED),
    Action.RECORD_ARRIVAL: (frozenset({ProposalStatus.ACCEPTED}), ProposalStatus.ACCEPTED),
}


def _refuse(action: Action, field: str, state_label: str) -> ValidationError:
    values = {"action": ACTION_LABELS[action], "state": state_label}
    message = (
        _("Cannot %(action)s: the case is %(state)s.")
        if field == "case"
        else _("Cannot %(action)s: the proposal is %(state)s.")
    )
    return ValidationError({field: [message % values]}, code="invalid_transition")


def check(action: Action, case: PlacementCase, proposal: Proposal | None = None) -> str:
    """The case's next state after `action`, or a ValidationError naming the current state of
    the case (or of the proposal) when the table does not allow it."""
    allowed, after = CASE_TRANSITIONS[action]
    if case.status not in allowed:
        raise _refuse(action, "case", str(case.get_status_display()))
    needs_proposal = action in PROPOSAL_TRANSITIONS
    if (
        needs_proposal
        and proposal is not None
        and proposal.status not in PROPOSAL_TRANSITIONS[action][0]
    ):
        raise _refuse(action, "proposal", str(proposal.get_status_display()))
    return case.status if after is None else after


def proposal_after(action: Action) -> str:
    """The proposal's state after `action` (which must involve the proposal)."""
    return PROPOSAL_TRANSITIONS[action][1]


def allowed_actions(case: PlacementCase, proposal: Proposal | None = None) -> frozenset[Action]:
    """What the table allows now, for the pages to offer (the actor's rights are separate)."""
    found = set()
    for action in Action:
        try:
            check(action, case, proposal)
        except ValidationError:
            continue
        if proposal is None and action in PROPOSAL_TRANSITIONS and action != Action.CONFIRM_MOVE:
            continue  # needs a proposal to act on
        found.add(action)
    return frozenset(found)
