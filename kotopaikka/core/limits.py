"""Request size limit: refuse a body that is too large (413) before anything reads it.

Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` guards only `request.body` and form data, and answers
with a `SuspiciousOperation` (a 400, or the debug page with `DEBUG=True`); DRF reads JSON from
the stream and is not limited at all (a 14 MB body was parsed). This middleware compares the
declared `Content-Length` with the limit of the route: `KOTOPAIKKA_MAX_REQUEST_BYTES`, or the
route's own entry in `KOTOPAIKKA_MAX_REQUEST_BYTES_BY_ROUTE` (keyed by URL name, e.g. the
imports). A WSGI request body is never longer than its `Content-Length` (Django reads no more),
so the declared length is the one that counts.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat

from .errorpages import request_too_large


def content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads nothing of a body with an invalid length either


def limit_for(request: HttpRequest) -> int:
    """The largest body, in bytes, that the request's route accepts."""
    match = request.resolver_match
    by_route = settings.KOTOPAIKKA_MAX_REQUEST_BYTES_BY_ROUTE
    if match is not None and match.view_name in by_route:
        return by_route[match.view_name]
    return settings.KOTOPAIKKA_MAX_REQUEST_BYTES


class RequestSizeLimitMiddleware:
    """413 with the JSON error body (API) or the 413 page when a body is over its limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        limit = limit_for(request)
        if content_length(request) > limit:
            return request_too_large(request, filesizeformat(limit))
        return None
