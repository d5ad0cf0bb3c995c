"""Base API view: resolves the acting role for API calls exactly as the UI does."""

from __future__ import annotations

from rest_framework.exceptions import PermissionDenied
from rest_framework.views import APIView

from kotopaikka.access.middleware import SESSION_KEY
from kotopaikka.access.policy import Actor, NoRoleError, resolve_actor

ROLE_HEADER = "X-Kotopaikka-Role"


class ActorAPIView(APIView):
    """Every Kotopaikka endpoint acts as one role assignment.

    The assignment comes from the `X-Kotopaikka-Role` header (an assignment id from
    `/api/v1/me/`), else the session's chosen role, else the user's first role.
    """

    actor: Actor

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        requested = request.headers.get(ROLE_HEADER) or request.session.get(SESSION_KEY)
        try:
            actor = resolve_actor(request.user, requested)
        except NoRoleError as exc:
            raise PermissionDenied("Unknown role assignment in X-Kotopaikka-Role.") from exc
        if actor is None:
            raise PermissionDenied("You hold no role in Kotopaikka.")
        self.actor = actor
