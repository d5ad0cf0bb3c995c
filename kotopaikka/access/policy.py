"""The central access policy: who may do what, and which persons each actor may see.

An *actor* is a user acting in one role in one organisation (a user with several roles picks
one per session, or per API request with the `X-Kotopaikka-Role` header). Every check of an
operation and every row filter for personal data comes from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from kotopaikka.registry.models import Organisation, RegionalAuthority

from .models import RoleAssignment, User
from .roles import ROLE_OPERATIONS, ROLE_PERSON_VIEW, Op, PersonView, Role


@dataclass(frozen=True)
class Actor:
    """A user acting in one role assignment."""

    user: User
    assignment: RoleAssignment

    @property
    def organisation(self) -> Organisation:
        return self.assignment.organisation

    @property
    def role(self) -> str:
        return self.assignment.role

    @property
    def person_view(self) -> PersonView:
        return ROLE_PERSON_VIEW.get(self.role, PersonView.NONE)


class NoRoleError(PermissionDenied):
    """The user holds no active role (or not the one asked for)."""


def active_assignments(user: User):
    """The user's usable role assignments: active, in an active organisation, and — for a
    regional authority — one whose validity covers today (ELY centres ended on 31.12.2025 even
    if nobody has reloaded the registry since)."""
    authority_valid = Q(
        organisation__regional_authority__isnull=True
    ) | RegionalAuthority.valid_on_q(dt.date.today(), prefix="organisation__regional_authority__")
    return (
        RoleAssignment.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .filter(authority_valid)
        .select_related(
            "organisation",
            "organisation__municipality",
            "organisation__regional_authority",
        )
        .order_by("id")
    )


def resolve_actor(user: User, assignment_id: int | str | None = None) -> Actor | None:
    """The actor for `user`: the chosen assignment if it is theirs, else their first one.

    Returns None for a user without any active role. An `assignment_id` that is not one of the
    user's active assignments raises `NoRoleError` rather than silently acting as someone else.
    """
    if not user.is_authenticated:
        return None
    assignments = active_assignments(user)
    if assignment_id not in (None, ""):
        try:
            return Actor(user, assignments.get(pk=int(assignment_id)))
        except (ValueError, RoleAssignment.DoesNotExist) as exc:
            raise NoRoleError("Unknown role assignment") from exc
    first = assignments.first()
    return Actor(user, first) if first else None


def can(actor: Actor | None, op: Op) -> bool:
    """May the actor perform the operation at all (before row scope is applied)?"""
    return actor is not None and op in ROLE_OPERATIONS.get(actor.role, frozenset())


def require(actor: Actor | None, op: Op) -> Actor:
    """Raise PermissionDenied unless the actor may perform the operation."""
    if not can(actor, op):
        raise PermissionDenied(op.value)
    assert actor is not None
    return actor


def person_scope_q(actor: Actor | None) -> Q:
    """Row filter on `people.Person` for the persons this actor may see.

    * municipal staff: persons whose case is with their municipality;
    * regional authority: persons with a municipality in its area, or whose case it holds;
    * reception centre: its residents;
    * KEHA: persons with a municipality of residence (what compensation needs; the field set
      is limited separately by `PersonView.COMPENSATION`);
    * ministry and system administrators: nobody (aggregates and pseudonyms only).
    """
    nobody = Q(pk__in=[])
    if actor is None or actor.person_view is PersonView.NONE:
        return nobody
    org = actor.organisation
    kind = org.kind
    if kind == Organisation.Kind.MUNICIPALITY:
        return Q(municipality_id=org.municipality_id)
    if kind == Organisation.Kind.REGIONAL_AUTHORITY:
        area = org.municipalities_in_area().values("pk")
        return Q(regional_authority_id=org.pk) | Q(municipality_id__in=area)
    if kind == Organisation.Kind.RECEPTION_CENTRE:
        return Q(reception_centre_id=org.pk)
    if kind == Organisation.Kind.KEHA:
        return Q(municipality__isnull=False)
    return nobody


#: The roles through which each kind of organisation takes part in placement work.
_PLACEMENT_ROLES: dict[str, tuple[str, ...]] = {
    Organisation.Kind.REGIONAL_AUTHORITY: (Role.PLACEMENT_OFFICER,),
    Organisation.Kind.MUNICIPALITY: (Role.INTEGRATION_WORKER, Role.MUNICIPAL_SUPERVISOR),
    Organisation.Kind.RECEPTION_CENTRE: (Role.RECEPTION_CENTRE_WORKER,),
}


def _placement_party(actor: Actor | None) -> str | None:
    """The kind of organisation the actor takes part in placement work for (a regional
    authority, a municipality or a reception centre), or None for anyone else."""
    if actor is None:
        return None
    kind = actor.organisation.kind
    return kind if actor.role in _PLACEMENT_ROLES.get(kind, ()) else None


def case_scope_q(actor: Actor | None) -> Q:
    """Row filter on `placement.PlacementCase` for the cases this actor may see.

    * regional authority: the cases it holds;
    * municipality: cases proposed to it (anonymised data only until it accepts), and cases
      that arrived or moved there;
    * reception centre: its own residents' applications;
    * everyone else: none (the ministry sees aggregates on the dashboard).
    """
    party = _placement_party(actor)
    if party == Organisation.Kind.REGIONAL_AUTHORITY:
        return Q(regional_authority_id=actor.organisation.pk)
    if party == Organisation.Kind.MUNICIPALITY:
        municipality_id = actor.organisation.municipality_id
        return (
            Q(proposals__municipality_id=municipality_id)
            | Q(arrival__municipality_id=municipality_id)
            | Q(self_arranged_move__municipality_id=municipality_id)
        )
    if party == Organisation.Kind.RECEPTION_CENTRE:
        return Q(reception_centre_id=actor.organisation.pk)
    return Q(pk__in=[])


def proposal_scope_q(actor: Actor | None) -> Q:
    """Row filter on `placement.Proposal` for the proposals this actor may see and act on.

    * regional authority: proposals of the cases it holds;
    * municipality: proposals to it (not those of the same case to other municipalities);
    * reception centre: proposals of its own residents' cases;
    * everyone else: none.

    Which of them an actor may decide, withdraw and so on is the operation's check (`can`).
    """
    party = _placement_party(actor)
    if party == Organisation.Kind.REGIONAL_AUTHORITY:
        return Q(case__regional_authority_id=actor.organisation.pk)
    if party == Organisation.Kind.MUNICIPALITY:
        return Q(municipality_id=actor.organisation.municipality_id)
    if party == Organisation.Kind.RECEPTION_CENTRE:
        return Q(case__reception_centre_id=actor.organisation.pk)
    return Q(pk__in=[])


def run_scope_q(actor: Actor | None) -> Q:
    """Row filter on `placement.OptimiserRun`: a run names the cases of one regional
    authority and where they would go, so only that authority's placement officers see it."""
    if _placement_party(actor) != Organisation.Kind.REGIONAL_AUTHORITY:
        return Q(pk__in=[])
    return Q(regional_authority_id=actor.organisation.pk)
