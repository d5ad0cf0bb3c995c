"""API error format: service-level `ValidationError`s become 400 responses keyed by field,
`ConflictError`s 409 responses with their code. No domain is imported: the domains' errors
extend the bases in `core.errors`."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ConflictError, TooManyAttempts


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        return Response(
            {"detail": exc.messages[0], "code": exc.conflict_code, **exc.payload()},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, TooManyAttempts):
        return Response({"detail": exc.messages[0], "code": "too_many_attempts"}, status=429)
    if isinstance(exc, DjangoValidationError):
        body = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
