"""Template context: the acting role and the roles the user may switch to."""

from __future__ import annotations

from django.http import HttpRequest

from .policy import active_assignments


def acting_role(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"actor": None, "assignments": []}
    return {"actor": actor, "assignments": list(active_assignments(request.user))}
