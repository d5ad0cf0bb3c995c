"""The operations that permissions are granted for, and the checks every layer can make.

The names of the operations are the ground floor's vocabulary, so that an app below the access
policy (the registry's pages, the audit-verification page) can require one without importing
the policy. Which role may perform which operation is decided in `access.roles`; the actor
object (`access.policy.Actor`) answers `may(op)` from those tables.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from django.core.exceptions import PermissionDenied


class Op(StrEnum):
    """Operations that permissions are granted for."""

    PERSON_LIST = "person.list"
    PERSON_VIEW = "person.view"
    PERSON_CREATE = "person.create"
    PERSON_UPDATE = "person.update"
    PERSON_DELETE = "person.delete"
    PERSON_VIEW_ACCESS_LOG = "person.view_access_log"
    PERSON_LIST_PSEUDONYMISED = "person.list_pseudonymised"
    PERSON_MERGE = "person.merge"
    PERSON_UNMERGE = "person.unmerge"
    REPORTS_VIEW = "reports.view"
    REGISTRY_VIEW = "registry.view"
    REGISTRY_MANAGE = "registry.manage"
    USERS_MANAGE = "users.manage"
    AUDIT_VERIFY = "audit.verify"
    CASE_LIST = "case.list"
    CASE_VIEW = "case.view"
    CASE_CREATE = "case.create"
    CASE_IMPORT = "case.import"
    PROPOSAL_CREATE = "proposal.create"
    PROPOSAL_WITHDRAW = "proposal.withdraw"
    PROPOSAL_DECIDE = "proposal.decide"
    PLACEMENT_DECIDE = "placement.decide"
    ARRIVAL_RECORD = "arrival.record"
    CASE_IDENTITIES_RECORD = "case.identities_record"
    CLIENT_VIEW = "client.view"
    CLIENT_UPDATE = "client.update"
    CLIENT_HEALTH = "client.health"
    ORIENTATION_MANAGE = "orientation.manage"
    QUEUE_TEAM = "queue.team"
    RETENTION_MANAGE = "retention.manage"
    SELF_MOVE_RECORD = "self_move.record"
    SELF_MOVE_RESOLVE = "self_move.resolve"
    AGREEMENT_VIEW = "agreement.view"
    AGREEMENT_MANAGE = "agreement.manage"
    OPTIMISER_RUN = "optimiser.run"
    PLACEMENT_POLICY_MANAGE = "placement.policy_manage"
    OUTCOME_MODEL_VIEW = "outcome_model.view"
    OUTCOME_MODEL_TRAIN = "outcome_model.train"
    PLACEMENT_DASHBOARD = "placement.dashboard"
    COMPENSATION_RULES_VIEW = "compensation.rules_view"
    COMPENSATION_RULES_PROPOSE = "compensation.rules_propose"
    COMPENSATION_RULES_APPROVE = "compensation.rules_approve"


class ActorLike(Protocol):
    """What the ground floor needs of an actor: whether it may perform an operation."""

    def may(self, op: Op) -> bool: ...


def can(actor: ActorLike | None, op: Op) -> bool:
    """May the actor perform the operation at all (before row scope is applied)?"""
    return actor is not None and actor.may(op)


def require(actor: ActorLike | None, op: Op):
    """The actor, if it may perform the operation; otherwise PermissionDenied (a 403, which
    the request's audit middleware records as a refusal)."""
    if not can(actor, op):
        raise PermissionDenied(op.value)
    return actor
