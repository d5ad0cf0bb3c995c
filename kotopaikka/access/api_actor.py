"""The acting role of an API request (the `KOTOPAIKKA_API_ACTOR` setting names this)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied

from .middleware import SESSION_KEY
from .policy import Actor, NoRoleError, resolve_actor

ROLE_HEADER = "X-Kotopaikka-Role"


def actor_for_api_request(request) -> Actor:
    """The assignment from the `X-Kotopaikka-Role` header (an assignment id from
    `/api/v1/me/`), else the session's chosen role, else the user's first role; 403 for a
    header that names no role of the user's, or a user without roles."""
    requested = request.headers.get(ROLE_HEADER) or request.session.get(SESSION_KEY)
    try:
        actor = resolve_actor(request.user, requested)
    except NoRoleError as exc:
        raise PermissionDenied(_("Unknown role assignment in X-Kotopaikka-Role.")) from exc
    if actor is None:
        raise PermissionDenied(_("You hold no role in Kotopaikka."))
    return actor
