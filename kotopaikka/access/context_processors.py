"""Template context: the acting role and the roles the user may switch to."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .policy import active_assignments


def acting_role(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"actor": None, "assignments": []}
    # Lazy: only base.html's role switcher reads it, so htmx partials do not query.
    return {
        "actor": actor,
        "assignments": SimpleLazyObject(lambda: list(active_assignments(request.user))),
    }
