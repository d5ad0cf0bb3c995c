"""Attach the acting role (`request.actor`) to every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .policy import NoRoleError, resolve_actor

SESSION_KEY = "kotopaikka_acting_assignment"


class ActingRoleMiddleware:
    """Resolve the session's chosen role assignment into an `Actor` (or None)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            try:
                request.actor = resolve_actor(request.user, request.session.get(SESSION_KEY))  # type: ignore[attr-defined]
            except NoRoleError:
                request.session.pop(SESSION_KEY, None)
                request.actor = resolve_actor(request.user)  # type: ignore[attr-defined]
        return self.get_response(request)
