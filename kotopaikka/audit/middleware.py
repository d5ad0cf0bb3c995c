"""Give every request an id and record where it came from, for the audit log."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import context
from .context import RequestContext, set_context
from .models import AuditEvent
from .services import record_event

#: Responses that refuse the request; each writes exactly one `denied` event.
REFUSALS = {403: "forbidden", 404: "not found or outside scope"}

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The client address; a proxy's X-Forwarded-For only when the deployment trusts it."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Set the request id (kept from a well-formed `X-Request-ID`) and client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else str(uuid.uuid4())
        request.request_id = request_id  # type: ignore[attr-defined]
        channel = "api" if request.path.startswith("/api/") else "ui"
        set_context(
            RequestContext(request_id=request_id, client_ip=client_ip(request), channel=channel)
        )
        context.reset_denials()
        response = self.get_response(request)
        if response.status_code in REFUSALS and not context.denials_recorded():
            record_refusal(request, response.status_code)
        response["X-Request-ID"] = request_id
        return response


def record_refusal(request: HttpRequest, status: int) -> AuditEvent | None:
    """Audit a 403 or 404 that nothing below recorded (a role without the operation, a page
    of another municipality's agreement, a CSRF failure): the route, the ids it was given, who
    asked. A 404 that a selector or service already audited (`record_denial`, with the object
    and its person) is not recorded twice.

    Anonymous 404s are left out: the login-required middleware sends anonymous users to the
    login page, so they only reach public pages, and recording their mistyped addresses would
    let anyone grow the audit log.
    """
    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    if status == 404 and not authenticated:
        return None
    actor = getattr(request, "actor", None) or (user if authenticated else None)
    match = request.resolver_match
    ids = {k: str(v) for k, v in (match.kwargs if match else {}).items()}
    person = ids.get("person_id")
    return record_event(
        actor=actor,
        action=AuditEvent.Action.DENIED,
        object_type=f"route:{match.view_name}" if match else "route:unknown",
        object_id=next(iter(ids.values()), "")[:64],
        person_id=person,
        detail={
            "purpose": request.method.lower(),
            "reason": REFUSALS[status],
            "status": status,
            "path": request.path[:200],
            "ids": ids,
            **(
                {"operation": request.refused_operation}
                if hasattr(request, "refused_operation")
                else {}
            ),
        },
    )
