"""API error format, one for every endpoint (the schema's `ValidationError` and `Error`):

- **400** `{"<field>": ["message", …], …}`: one key per field, a dotted path for nested input
  (`members.0.sex`, `years.2026.persons`, `identifiers.hetu`), the query parameter's name for a
  bad parameter, `body` for a body that cannot be read (not UTF-8, not JSON, nested too
  deeply), `non_field_errors` for a problem of the whole input;
- **every other status** `{"detail": "message", "code": "machine_code"}`; a 409 adds the
  conflict's own payload (`ConflictError.payload()`).

Messages are in the request's language. Service-level `ValidationError`s and `ConflictError`s
come from `core.errors`, so no domain is imported here.
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ConflictError, TooManyAttempts
from .parsers import BODY_FIELD

NON_FIELD = "non_field_errors"


def flatten(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail (dicts, lists, lists of dicts) as `{dotted path: messages}`."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = path if key == NON_FIELD and path else f"{path}.{key}" if path else str(key)
            for field, messages in flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {path or NON_FIELD: [str(item) for item in detail]} if detail else {}
        out = {}
        for index, item in enumerate(detail):
            for field, messages in flatten(item, f"{path}.{index}" if path else str(index)).items():
                out.setdefault(field, []).extend(messages)
        return out
    return {path or NON_FIELD: [str(detail)]}


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        return Response(
            {"detail": exc.messages[0], "code": exc.conflict_code, **exc.payload()},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, TooManyAttempts):
        return Response({"detail": exc.messages[0], "code": "too_many_attempts"}, status=429)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        return Response(flatten(body), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):  # as DRF's handler does, but keeping the exception's code
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ParseError):
        response.data = {BODY_FIELD: [str(exc.detail)]}
    elif isinstance(exc, exceptions.ValidationError):
        response.data = flatten(exc.detail) or {NON_FIELD: [str(exc.default_detail)]}
    elif isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # DRF formats the wait into the msgid before translating, so no catalogue has it.
        wait = math.ceil(exc.wait)
        detail = ngettext(
            "Too many requests: try again in %(wait)s second.",
            "Too many requests: try again in %(wait)s seconds.",
            wait,
        ) % {"wait": wait}
        response.data = {"detail": detail, "code": _code(exc)}
    else:
        response.data = {"detail": str(exc.detail), "code": _code(exc)}
    return response
