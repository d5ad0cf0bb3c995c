"""View helpers: require an acting role that may perform an operation."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .operations import Op, can


def requires(op: Op) -> Callable:
    """403 unless the request's actor may perform `op` (row scope is the selector's job)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not can(getattr(request, "actor", None), op):
                request.refused_operation = op.value  # named in the refusal's audit event
                raise PermissionDenied(op.value)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
