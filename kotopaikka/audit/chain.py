"""Hash-chain arithmetic, shared by the writer and the verifier."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings

GENESIS = "0" * 64

#: The columns covered by the hash, in a fixed order. Changing this list breaks old chains.
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_user_id",
    "actor_username",
    "organisation_code",
    "role",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "subject_ids",
    "fields",
    "detail",
    "client_ip",
    "request_id",
    "channel",
)


def _canonical(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)


def event_hash(prev_hash: str, values: dict[str, Any]) -> str:
    """HMAC-SHA256 over the previous hash and the event's canonical JSON content."""
    payload = json.dumps(
        {name: _canonical(values.get(name)) for name in HASHED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    message = (prev_hash + "|" + payload).encode()
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), message, hashlib.sha256).hexdigest()
