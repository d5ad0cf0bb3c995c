"""Ids that arrive from URLs and request bodies as text."""

from __future__ import annotations

import uuid


def as_uuid(value: uuid.UUID | str | None) -> uuid.UUID | None:
    """The UUID, or ``None`` when the value is not one (the caller answers 404, the same as
    for an id that exists but is out of scope, so that ids cannot be probed)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
