"""Verification of the audit chain: recompute every link and report the first broken one.

The chain alone cannot tell that its newest events were removed by someone who also rewound
the chain head (the remaining events still link up): that is what the signed checkpoints
outside the database are for (`checkpoints.check_newest`, run by `verify_audit` after this).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .chain import GENESIS, HASHED_FIELDS, event_hash
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    last_seq: int = 0
    last_hash: str = GENESIS


def _walk(after_seq: int, after_hash: str, upto: int | None, batch_size: int) -> VerifyResult:
    """Check the links of the events after `after_seq` (whose hash is `after_hash`), up to
    and including `upto` (all when None)."""
    prev_hash = after_hash
    expected_seq = after_seq + 1
    checked = 0
    last_seq = after_seq
    queryset = AuditEvent.objects.filter(seq__gt=after_seq)
    if upto is not None:
        queryset = queryset.filter(seq__lte=upto)
    rows = queryset.order_by("seq").values("seq", "prev_hash", "hash", *HASHED_FIELDS)
    for row in rows.iterator(chunk_size=batch_size):
        seq = row["seq"]
        if seq != expected_seq:
            reason = _("event %(seq)s is missing") % {"seq": expected_seq}
            return VerifyResult(False, checked, expected_seq, reason, last_seq, prev_hash)
        if row["prev_hash"] != prev_hash:
            reason = _("previous-hash link does not match")
            return VerifyResult(False, checked, seq, reason, last_seq, prev_hash)
        values = dict(row)
        if values.get("person_id") is not None:
            values["person_id"] = str(values["person_id"])
        if event_hash(prev_hash, values) != row["hash"]:
            reason = _("content does not match its hash")
            return VerifyResult(False, checked, seq, reason, last_seq, prev_hash)
        prev_hash = row["hash"]
        expected_seq += 1
        last_seq = seq
        checked += 1
    if upto is not None and last_seq < upto:
        reason = _("event %(seq)s is missing") % {"seq": last_seq + 1}
        return VerifyResult(False, checked, last_seq + 1, reason, last_seq, prev_hash)
    return VerifyResult(True, checked, last_seq=last_seq, last_hash=prev_hash)


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the whole chain in sequence order; stop at the first link that does not hold;
    then compare the chain head row with the newest event."""
    result = _walk(0, GENESIS, None, batch_size)
    if not result.ok:
        return result
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != result.last_seq or head.hash != result.last_hash):
        reason = _("chain head says %(head)s events; found %(found)s") % {
            "head": head.seq,
            "found": result.last_seq,
        }
        return VerifyResult(
            False, result.checked, result.last_seq + 1, reason, result.last_seq, result.last_hash
        )
    return result


def verify_extension(from_seq: int, from_hash: str, to_seq: int) -> VerifyResult:
    """Does the chain up to `to_seq` extend a state known to be `from_hash` at `from_seq`?
    (Certificate Transparency's consistency check between two signed heads.) The event at
    `from_seq` must still have that hash, and the events after it must link up to `to_seq`."""
    if from_seq > to_seq:
        reason = _("the chain has %(to)s events, fewer than the %(from)s already signed") % {
            "to": to_seq,
            "from": from_seq,
        }
        return VerifyResult(False, 0, to_seq + 1, reason)
    if from_seq > 0:
        event = AuditEvent.objects.filter(seq=from_seq).values_list("hash", flat=True).first()
        if event != from_hash:
            reason = _("event %(seq)s is not the one signed") % {"seq": from_seq}
            return VerifyResult(False, 0, from_seq, reason)
    return _walk(from_seq, from_hash, to_seq, 5000)
