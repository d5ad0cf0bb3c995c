"""What an attacker with full database rights could do to the audit log, for the tests that
show the chain and the checkpoints still tell."""

from __future__ import annotations

from django.db import connection

from kotopaikka.audit.chain import GENESIS, HASHED_FIELDS, event_hash
from kotopaikka.audit.models import AuditChainHead, AuditEvent

TABLE = AuditEvent._meta.db_table
HEAD_TABLE = AuditChainHead._meta.db_table


def drop_append_only_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


def restore_triggers() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
    # SQLite: the test transaction is rolled back, which restores the dropped triggers.


def execute(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def rewind_head_to(seq: int) -> None:
    """Point the chain head at event `seq` (as if the events after it had never been)."""
    digest = AuditEvent.objects.get(seq=seq).hash if seq else GENESIS
    execute(f"UPDATE {HEAD_TABLE} SET seq = %s, hash = %s WHERE id = 1", [seq, digest])


def rehash_from(seq: int) -> None:
    """Recompute the links from event `seq` on, as someone holding AUDIT_CHAIN_KEY could,
    and point the head at the newest: the chain alone then verifies again."""
    previous = AuditEvent.objects.filter(seq__lt=seq).order_by("-seq").first()
    prev_hash = previous.hash if previous else GENESIS
    rows = AuditEvent.objects.filter(seq__gte=seq).order_by("seq").values("id", *HASHED_FIELDS)
    for row in list(rows):
        values = dict(row)
        if values.get("person_id") is not None:
            values["person_id"] = str(values["person_id"])
        digest = event_hash(prev_hash, values)
        execute(
            f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev_hash, digest, row["id"]],
        )
        prev_hash = digest
    newest = AuditEvent.objects.order_by("-seq").first()
    execute(f"UPDATE {HEAD_TABLE} SET seq = %s, hash = %s WHERE id = 1", [newest.seq, prev_hash])
