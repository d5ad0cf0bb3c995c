"""Verification of the audit chain: recompute every link and report the first broken one."""

from __future__ import annotations

from dataclasses import dataclass

from .chain import GENESIS, HASHED_FIELDS, event_hash
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in sequence order; stop at the first link that does not hold."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    queryset = AuditEvent.objects.order_by("seq").values("seq", "prev_hash", "hash", *HASHED_FIELDS)
    for row in queryset.iterator(chunk_size=batch_size):
        seq = row["seq"]
        if seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event {expected_seq} is missing")
        if row["prev_hash"] != prev_hash:
            return VerifyResult(False, checked, seq, "previous-hash link does not match")
        values = dict(row)
        if values.get("person_id") is not None:
            values["person_id"] = str(values["person_id"])
        if event_hash(prev_hash, values) != row["hash"]:
            return VerifyResult(False, checked, seq, "content does not match its hash")
        prev_hash = row["hash"]
        expected_seq += 1
        last_seq = seq
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        return VerifyResult(
            False, checked, last_seq + 1, f"chain head says {head.seq} events; found {last_seq}"
        )
    return VerifyResult(True, checked)
