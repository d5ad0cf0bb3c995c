"""Signed checkpoints of the audit chain outside the database (issue 11, point 7): a tail cut
with the chain head rewound, which the chain alone cannot see, is found against the newest
checkpoint, and so are edited and deleted events, a chain recomputed with the chain key and a
forged checkpoint."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from kotopaikka.audit import checkpoints
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.verify import verify_chain

from .tampering import (
    TABLE,
    drop_append_only_triggers,
    execute,
    rehash_from,
    restore_triggers,
    rewind_head_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(helsinki_worker, make_person) -> int:
    """Five persons created (five events, at least); returns the newest event's seq."""
    for _ in range(5):
        make_person(helsinki_worker)
    return AuditEvent.objects.latest("seq").seq


@pytest.fixture
def tamper():
    drop_append_only_triggers()
    yield execute
    restore_triggers()


def _verify(*args) -> str:
    """verify_audit's output; CommandError (with the report) when it fails."""
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def _lines(checkpoint_dir) -> list[dict]:
    path = checkpoint_dir / checkpoints.FILE_NAME
    return [json.loads(line) for line in path.read_text().splitlines()]


# --- writing --------------------------------------------------------------------------------------


def test_a_checkpoint_is_a_signed_line_appended_to_the_file_and_the_log(
    events, checkpoint_dir, caplog
):
    with caplog.at_level(logging.INFO, logger="kotopaikka.audit.checkpoint"):
        call_command("audit_checkpoint")
    [line] = _lines(checkpoint_dir)
    newest = AuditEvent.objects.latest("seq")
    assert (line["v"], line["seq"], line["head"]) == (1, events, newest.hash)
    assert line["key"] == checkpoints.key_id()
    # the signature covers the documented bytes and verifies with the public key alone
    public = checkpoints.public_key()
    message = checkpoints.signed_message(line["seq"], line["head"], line["time"])
    public.verify(base64.b64decode(line["sig"]), message)
    assert message.startswith(b"kotopaikka-audit-checkpoint\n{")
    assert any(json.dumps(line, separators=(",", ":")) in r.getMessage() for r in caplog.records)

    call_command("audit_checkpoint")
    assert [entry["seq"] for entry in _lines(checkpoint_dir)] == [events, events]


def test_the_periodic_task_writes_a_checkpoint(events, checkpoint_dir):
    """The tests' inline task backend runs it at once (and cannot schedule the next run)."""
    result = checkpoints.audit_checkpoint_task.enqueue()
    assert result.return_value == events
    assert [entry["seq"] for entry in _lines(checkpoint_dir)] == [events]


def test_the_periodic_task_keeps_one_next_run_in_the_queue(events, checkpoint_dir, settings):
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    waiting = DBTaskResult.objects.filter(
        task_path=checkpoints.audit_checkpoint_task.module_path, status=TaskResultStatus.READY
    )
    call_command("audit_checkpoint", "--schedule")
    call_command("audit_checkpoint", "--schedule")
    assert waiting.count() == 1
    first = waiting.get()
    # the worker runs it (its row is no longer waiting), it writes and enqueues the next
    DBTaskResult.objects.filter(pk=first.pk).update(status=TaskResultStatus.RUNNING)
    assert checkpoints.audit_checkpoint_task.call() == events
    [following] = waiting.all()
    interval = settings.KOTOPAIKKA_AUDIT_CHECKPOINT_INTERVAL
    assert following.run_after - following.enqueued_at == pytest.approx(
        interval, abs=dt.timedelta(minutes=1)
    )
    assert len(_lines(checkpoint_dir)) == 1


def test_the_public_key_is_printed_for_auditors(capsys):
    call_command("audit_checkpoint", "--public-key")
    out = capsys.readouterr().out
    assert checkpoints.public_key_text() in out and checkpoints.key_id() in out


# --- verifying against the newest checkpoint ------------------------------------------------------


def test_no_checkpoint_yet_is_said_and_can_be_required(events):
    out = _verify()
    assert "No checkpoint yet" in out and f"{events} events verified" in out
    with pytest.raises(CommandError, match="A checkpoint is required"):
        _verify("--require-checkpoint")


def test_a_matching_checkpoint_is_reported_with_the_count(events):
    call_command("audit_checkpoint")
    out = _verify("--require-checkpoint", "--min-events", "1")
    assert f"Audit chain intact: {events} events verified." in out
    assert f"newest checkpoint (event {events}," in out.lower() and "matches the database" in out


def test_an_empty_log_fails_when_events_are_required():
    with pytest.raises(CommandError, match="Only 0 events verified"):
        _verify("--min-events", "1")


def test_a_truncated_tail_with_a_rewound_head_is_found_against_the_checkpoint(events, tamper):
    call_command("audit_checkpoint")
    tamper(f"DELETE FROM {TABLE} WHERE seq > %s", [events - 2])
    rewind_head_to(events - 2)
    assert verify_chain().ok  # the chain alone cannot tell
    check = checkpoints.check_newest()
    assert (check.status, check.missing) == ("truncated", (events - 1, events))
    with pytest.raises(CommandError) as failed:
        _verify()
    assert f"Events {events - 1}–{events} are missing" in str(failed.value)


def test_an_edited_event_is_found_with_a_checkpoint(events, tamper):
    call_command("audit_checkpoint")
    tamper(f"UPDATE {TABLE} SET actor_username = 'someone_else' WHERE seq = %s", [events - 3])
    with pytest.raises(CommandError, match=f"broken at event {events - 3}: content"):
        _verify()


def test_a_deleted_middle_event_is_found_with_a_checkpoint(events, tamper):
    call_command("audit_checkpoint")
    tamper(f"DELETE FROM {TABLE} WHERE seq = %s", [events - 3])
    with pytest.raises(CommandError, match=f"broken at event {events - 3}: event {events - 3}"):
        _verify()


def test_a_chain_recomputed_with_the_chain_key_is_found_against_the_checkpoint(events, tamper):
    """Someone with the database and AUDIT_CHAIN_KEY edits an event and recomputes every link
    after it: the chain verifies, but the event at the checkpoint is no longer the one signed."""
    call_command("audit_checkpoint")
    tamper(f"UPDATE {TABLE} SET actor_username = 'someone_else' WHERE seq = %s", [events - 3])
    rehash_from(events - 3)
    assert verify_chain().ok
    assert checkpoints.check_newest().status == "rewritten"
    with pytest.raises(CommandError, match=f"Event {events} is not the one signed"):
        _verify()


def test_a_forged_checkpoint_is_reported(events, checkpoint_dir):
    call_command("audit_checkpoint")
    other_key = Ed25519PrivateKey.generate()
    claim = {"seq": events + 100, "head": "f" * 64, "time": "2026-01-01T00:00:00+00:00"}
    signature = other_key.sign(checkpoints.signed_message(**claim))
    forged = {"v": 1, **claim, "key": "0" * 16, "sig": base64.b64encode(signature).decode()}
    with (checkpoint_dir / checkpoints.FILE_NAME).open("a") as handle:
        handle.write(json.dumps(forged) + "\n")
    assert checkpoints.check_newest().status == "forged"
    with pytest.raises(CommandError, match="has no valid signature of the configured key"):
        _verify()
    # and a good signature over other values is no better
    line = _lines(checkpoint_dir)[0]
    altered = {**line, "seq": line["seq"] + 1}
    with (checkpoint_dir / checkpoints.FILE_NAME).open("a") as handle:
        handle.write(json.dumps(altered) + "\n")
    assert checkpoints.check_newest().status == "forged"


def test_an_unreadable_newest_line_is_reported(events, checkpoint_dir):
    checkpoint_dir.mkdir(parents=True)
    (checkpoint_dir / checkpoints.FILE_NAME).write_text('{"v": 1, "seq": "many"}\n')
    with pytest.raises(CommandError, match="is not a checkpoint"):
        _verify()


def test_no_checkpoint_is_signed_over_a_chain_that_does_not_extend_the_last(
    events, tamper, checkpoint_dir, caplog
):
    call_command("audit_checkpoint")
    tamper(f"DELETE FROM {TABLE} WHERE seq > %s", [events - 2])
    rewind_head_to(events - 2)
    with (
        caplog.at_level(logging.ERROR, logger="kotopaikka.audit.checkpoint"),
        pytest.raises(CommandError, match="No checkpoint written"),
    ):
        call_command("audit_checkpoint")
    assert len(_lines(checkpoint_dir)) == 1
    assert any("refused" in r.getMessage() for r in caplog.records)


def test_the_verification_page_shows_the_checkpoint(events, sysadmin, client_for):
    from django.urls import reverse

    call_command("audit_checkpoint")
    response = client_for(sysadmin).get(reverse("audit_verify"))
    assert response.status_code == 200
    assert b'data-testid="checkpoint"' in response.content


def test_the_limit_events_after_the_newest_checkpoint_can_be_cut_unnoticed(
    events, helsinki_worker, make_person, tamper
):
    """What checkpoints cannot do (docs/security.md): a tail cut *above* the newest checkpoint,
    with the head rewound, still verifies. The interval between checkpoints bounds the loss."""
    call_command("audit_checkpoint")
    make_person(helsinki_worker)
    tamper(f"DELETE FROM {TABLE} WHERE seq > %s", [events])
    rewind_head_to(events)
    assert "Audit log verified." in _verify("--require-checkpoint")
