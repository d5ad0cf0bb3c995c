"""Roles and which role may do which operation (`core.operations.Op`): the one place that
decides.

Views, API handlers and selectors never test role names themselves; they ask `policy.can()`
for an operation, and selectors ask `scope` for the rows an actor may see.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from kotopaikka.core.operations import Op
from kotopaikka.registry.models import Organisation


class Role(models.TextChoices):
    PLACEMENT_OFFICER = "placement_officer", _("placement officer")
    INTEGRATION_WORKER = "integration_worker", _("municipal integration worker")
    MUNICIPAL_SUPERVISOR = "municipal_supervisor", _("municipal supervisor")
    RECEPTION_CENTRE_WORKER = "reception_centre_worker", _("reception centre worker")
    COMPENSATION_HANDLER = "compensation_handler", _("compensation handler")
    MINISTRY_ANALYST = "ministry_analyst", _("ministry analyst")
    SYSTEM_ADMIN = "system_admin", _("system administrator")


class PersonView(StrEnum):
    """How much of a person a role sees once the person is in its scope."""

    FULL = "full"
    COMPENSATION = "compensation"  # what KEHA needs to compute and pay compensation
    NONE = "none"


_CASEWORK = {
    Op.PERSON_LIST,
    Op.PERSON_VIEW,
    Op.PERSON_CREATE,
    Op.PERSON_UPDATE,
    Op.REGISTRY_VIEW,
}

_PLACEMENT_OFFICE = {
    Op.CASE_LIST,
    Op.CASE_VIEW,
    Op.CASE_CREATE,
    Op.CASE_IMPORT,
    Op.PROPOSAL_CREATE,
    Op.PROPOSAL_WITHDRAW,
    Op.PLACEMENT_DECIDE,
    Op.SELF_MOVE_RESOLVE,
    Op.CASE_IDENTITIES_RECORD,
    Op.AGREEMENT_VIEW,
    Op.AGREEMENT_MANAGE,
    Op.OPTIMISER_RUN,
    Op.PLACEMENT_POLICY_MANAGE,
    Op.OUTCOME_MODEL_VIEW,
    Op.PLACEMENT_DASHBOARD,
}
#: the municipality's integration services: client records, and health information kept
#: for the staff who serve the client (not for placement, KEHA, the ministry or admins)
_INTEGRATION_SERVICES = {
    Op.CLIENT_VIEW,
    Op.CLIENT_UPDATE,
    Op.CLIENT_HEALTH,
    Op.ORIENTATION_MANAGE,
}

_MUNICIPAL_RECEPTION = {
    Op.CASE_LIST,
    Op.CASE_VIEW,
    Op.PROPOSAL_DECIDE,
    Op.ARRIVAL_RECORD,
    Op.CASE_IDENTITIES_RECORD,
    Op.SELF_MOVE_RECORD,
    Op.AGREEMENT_VIEW,
}

ROLE_OPERATIONS: dict[str, frozenset[Op]] = {
    Role.PLACEMENT_OFFICER: frozenset(_CASEWORK | _PLACEMENT_OFFICE | {Op.REPORTS_VIEW}),
    Role.INTEGRATION_WORKER: frozenset(_CASEWORK | _MUNICIPAL_RECEPTION | _INTEGRATION_SERVICES),
    Role.MUNICIPAL_SUPERVISOR: frozenset(
        _CASEWORK
        | _MUNICIPAL_RECEPTION
        | _INTEGRATION_SERVICES
        | {
            Op.PERSON_DELETE,
            Op.PERSON_VIEW_ACCESS_LOG,
            Op.PERSON_MERGE,
            Op.REPORTS_VIEW,
            Op.QUEUE_TEAM,
            Op.RETENTION_MANAGE,
        }
    ),
    Role.RECEPTION_CENTRE_WORKER: frozenset(
        _CASEWORK | {Op.CASE_LIST, Op.CASE_VIEW, Op.CASE_CREATE}
    ),
    Role.COMPENSATION_HANDLER: frozenset(
        {
            Op.PERSON_LIST,
            Op.PERSON_VIEW,
            Op.REGISTRY_VIEW,
            Op.REPORTS_VIEW,
            Op.AGREEMENT_VIEW,
            # the compensation rules: one handler proposes a value, another approves it
            Op.COMPENSATION_RULES_VIEW,
            Op.COMPENSATION_RULES_PROPOSE,
            Op.COMPENSATION_RULES_APPROVE,
        }
    ),
    Role.MINISTRY_ANALYST: frozenset(
        {
            Op.PERSON_LIST_PSEUDONYMISED,
            Op.REPORTS_VIEW,
            Op.REGISTRY_VIEW,
            Op.PLACEMENT_DASHBOARD,
            Op.OUTCOME_MODEL_VIEW,
            Op.OUTCOME_MODEL_TRAIN,
        }
    ),
    Role.SYSTEM_ADMIN: frozenset(
        {
            Op.REGISTRY_VIEW,
            Op.REGISTRY_MANAGE,
            Op.USERS_MANAGE,
            Op.AUDIT_VERIFY,
            Op.OUTCOME_MODEL_VIEW,
            Op.OUTCOME_MODEL_TRAIN,
            # merges by id, without seeing personal data (people.scope.merge_scope_q)
            Op.PERSON_MERGE,
            Op.PERSON_UNMERGE,
        }
    ),
}

ROLE_PERSON_VIEW: dict[str, PersonView] = {
    Role.PLACEMENT_OFFICER: PersonView.FULL,
    Role.INTEGRATION_WORKER: PersonView.FULL,
    Role.MUNICIPAL_SUPERVISOR: PersonView.FULL,
    Role.RECEPTION_CENTRE_WORKER: PersonView.FULL,
    Role.COMPENSATION_HANDLER: PersonView.COMPENSATION,
    Role.MINISTRY_ANALYST: PersonView.NONE,
    Role.SYSTEM_ADMIN: PersonView.NONE,
}

#: The organisation kinds in which a role can be held.
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.PLACEMENT_OFFICER: frozenset({Organisation.Kind.REGIONAL_AUTHORITY}),
    Role.INTEGRATION_WORKER: frozenset({Organisation.Kind.MUNICIPALITY}),
    Role.MUNICIPAL_SUPERVISOR: frozenset({Organisation.Kind.MUNICIPALITY}),
    Role.RECEPTION_CENTRE_WORKER: frozenset({Organisation.Kind.RECEPTION_CENTRE}),
    Role.COMPENSATION_HANDLER: frozenset({Organisation.Kind.KEHA}),
    Role.MINISTRY_ANALYST: frozenset({Organisation.Kind.MINISTRY}),
    Role.SYSTEM_ADMIN: frozenset(
        {Organisation.Kind.KEHA, Organisation.Kind.MINISTRY, Organisation.Kind.MUNICIPALITY}
    ),
}
