"""API error format: service-level `ValidationError`s become 400 responses keyed by field."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    from kotopaikka.people.services import DuplicatePersonWarning

    if isinstance(exc, DuplicatePersonWarning):
        return Response(
            {
                "detail": exc.messages[0],
                "code": "possible_duplicate",
                "matches": [
                    {"reason": m.reason, "person": str(m.person.pk) if m.person else None}
                    for m in exc.matches
                ],
            },
            status=status.HTTP_409_CONFLICT,
        )
    from kotopaikka.placement.capacity import CapacityExceeded

    if isinstance(exc, CapacityExceeded):
        return Response(
            {"detail": exc.messages[0], "code": "capacity_exceeded", "dimensions": exc.dimensions},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        body = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
