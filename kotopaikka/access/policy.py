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

# One definition of `can` and `require`, in core; re-exported as the policy's own.
from kotopaikka.core.operations import can as can
from kotopaikka.core.operations import require as require
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

    def may(self, op: Op) -> bool:
        """May this actor perform `op` at all (`core.operations.can` asks this)?"""
        return op in ROLE_OPERATIONS.get(self.role, frozenset())


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


#: The roles through which each kind of organisation takes part in placement work.
_PLACEMENT_ROLES: dict[str, tuple[str, ...]] = {
    Organisation.Kind.REGIONAL_AUTHORITY: (Role.PLACEMENT_OFFICER,),
    Organisation.Kind.MUNICIPALITY: (Role.INTEGRATION_WORKER, Role.MUNICIPAL_SUPERVISOR),
    Organisation.Kind.RECEPTION_CENTRE: (Role.RECEPTION_CENTRE_WORKER,),
}


def placement_party(actor: Actor | None) -> str | None:
    """The kind of organisation the actor takes part in placement work for (a regional
    authority, a municipality or a reception centre), or None for anyone else."""
    if actor is None:
        return None
    kind = actor.organisation.kind
    return kind if actor.role in _PLACEMENT_ROLES.get(kind, ()) else None
