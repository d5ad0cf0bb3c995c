"""Request-scoped facts every audit event needs (request id, client address, channel).

Kept in context variables so that services and selectors, which receive the actor explicitly,
do not also need the HTTP request to fill in where the call came from.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_ip: str | None = None
    channel: str = "cli"  # ui | api | cli | task


_context: ContextVar[RequestContext] = ContextVar(
    "kotopaikka_request",
    default=RequestContext(),  # noqa: B039 - frozen dataclass, immutable
)


#: How many refusals (`denied` events) this request has recorded so far; the request
#: middleware records one itself for a 403 or 404 response that recorded none.
_denials: ContextVar[int] = ContextVar("kotopaikka_denials", default=0)


def denials_recorded() -> int:
    return _denials.get()


def count_denial() -> None:
    _denials.set(_denials.get() + 1)


def reset_denials() -> None:
    _denials.set(0)


def current() -> RequestContext:
    return _context.get()


def set_context(ctx: RequestContext) -> None:
    _context.set(ctx)


@contextlib.contextmanager
def command_context(channel: str = "cli") -> Iterator[RequestContext]:
    """Context for management commands and background tasks (no HTTP request)."""
    ctx = RequestContext(request_id=str(uuid.uuid4()), client_ip=None, channel=channel)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)
