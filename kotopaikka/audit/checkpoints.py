"""Signed checkpoints of the audit chain, kept outside the database (issue 11, point 7).

The hash chain shows that no event was changed, removed or inserted *between* others, but
whoever can write the database can delete the newest events and rewind the chain-head row,
and the rest still links up. So, in the manner of Certificate Transparency's signed tree heads,
Kotopaikka regularly signs what the chain looks like, a checkpoint

    {"v": 1, "seq": <newest event>, "head": <its hash>, "time": <UTC>, "key": <key id>,
     "sig": <Ed25519 signature, base64>}

and appends it, one JSON line, to `checkpoints.jsonl` in `KOTOPAIKKA_AUDIT_CHECKPOINT_DIR`
(opened for appending only, flushed to disk with fsync) and to the application log (logger
`kotopaikka.audit.checkpoint`). The signing key (`KOTOPAIKKA_AUDIT_CHECKPOINT_KEY`) is never in
the database. `verify_audit` then checks the chain against the newest checkpoint: events
missing below its sequence number (a truncated tail) or a different event at it (a rewritten
chain) are reported.

A checkpoint is only written if the chain extends the previous one (the event signed last
time is unchanged and the events after it link up): a chain already cut or rewritten is
reported (an error in the log, the command fails) rather than signed.

What this cannot prove: events written after the newest checkpoint can still be removed
unnoticed, and a checkpoint file left only on the database's machine can be removed with the
database. An operator ships the checkpoints elsewhere (docs/security.md).

Written on demand (`manage.py audit_checkpoint`) and every
`KOTOPAIKKA_AUDIT_CHECKPOINT_INTERVAL_MINUTES` by the background worker (`audit_checkpoint_task`,
which enqueues its next run; `manage.py audit_checkpoint --schedule` starts it).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db.models import Max
from django.tasks import TaskResultStatus, default_task_backend, task
from django.utils import timezone
from django.utils.translation import gettext as _

from .chain import GENESIS
from .context import command_context
from .models import AuditChainHead, AuditEvent
from .verify import verify_extension

logger = logging.getLogger("kotopaikka.audit.checkpoint")

FILE_NAME = "checkpoints.jsonl"
VERSION = 1
#: prefixed to what is signed, so that a signature over anything else never passes for one
DOMAIN = b"kotopaikka-audit-checkpoint\n"
#: how far from the end of the file the newest checkpoint is looked for
_TAIL_BYTES = 64 * 1024


class CheckpointRefused(Exception):
    """The chain does not extend the newest checkpoint: it is not signed (and it is reported)."""


# --- keys and signatures ------------------------------------------------------------------------


def _private_key() -> Ed25519PrivateKey:
    seed = base64.b64decode(settings.KOTOPAIKKA_AUDIT_CHECKPOINT_KEY)
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key() -> Ed25519PublicKey:
    return _private_key().public_key()


def public_key_text(key: Ed25519PublicKey | None = None) -> str:
    """The public key, base64 (raw 32 bytes): what an auditor needs to check checkpoints."""
    raw = (key or public_key()).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return base64.b64encode(raw).decode()


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """A short name of the public key (the first 16 hex digits of its SHA-256)."""
    return hashlib.sha256(base64.b64decode(public_key_text(key))).hexdigest()[:16]


def signed_message(seq: int, head: str, time: str) -> bytes:
    """The bytes a checkpoint's signature covers (documented in docs/security.md)."""
    body = json.dumps(
        {"head": head, "seq": seq, "time": time}, sort_keys=True, separators=(",", ":")
    )
    return DOMAIN + body.encode()


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head: str
    time: str  # ISO 8601, UTC
    key: str  # key id of the signing key
    sig: str  # base64 Ed25519 signature over `signed_message`

    def line(self) -> str:
        return json.dumps(
            {
                "v": VERSION,
                "seq": self.seq,
                "head": self.head,
                "time": self.time,
                "key": self.key,
                "sig": self.sig,
            },
            separators=(",", ":"),
        )

    def signature_valid(self, key: Ed25519PublicKey | None = None) -> bool:
        try:
            signature = base64.b64decode(self.sig, validate=True)
            (key or public_key()).verify(signature, signed_message(self.seq, self.head, self.time))
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True

    @classmethod
    def parse(cls, line: str) -> Checkpoint:
        """A checkpoint from its line; ValueError if it is not one."""
        data = json.loads(line)
        if not isinstance(data, dict) or data.get("v") != VERSION:
            raise ValueError("not a version 1 checkpoint")
        seq, head, time, key, sig = (data.get(k) for k in ("seq", "head", "time", "key", "sig"))
        if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0):
            raise ValueError("seq")
        if not all(isinstance(v, str) for v in (head, time, key, sig)):
            raise ValueError("fields")
        return cls(seq=seq, head=head, time=time, key=key, sig=sig)


def sign(seq: int, head: str, time: str) -> Checkpoint:
    signature = _private_key().sign(signed_message(seq, head, time))
    return Checkpoint(
        seq=seq, head=head, time=time, key=key_id(), sig=base64.b64encode(signature).decode()
    )


# --- the file ------------------------------------------------------------------------------------


def checkpoint_path() -> Path:
    return Path(settings.KOTOPAIKKA_AUDIT_CHECKPOINT_DIR) / FILE_NAME


def _append_line(path: Path, line: str) -> None:
    """Append one line and flush it to disk: the file is opened for appending only (never
    rewritten; an operator can also make it append-only with `chattr +a`)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new directory entry must survive a crash too
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def newest_line(path: Path | None = None) -> str | None:
    """The last non-empty line of the checkpoint file (None: no file, or nothing in it)."""
    path = path or checkpoint_path()
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - _TAIL_BYTES))
            tail = handle.read()
    except FileNotFoundError:
        return None
    lines = [line for line in tail.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else None


# --- writing -------------------------------------------------------------------------------------


def _head() -> tuple[int, str]:
    head = AuditChainHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS)


def write_checkpoint(now: dt.datetime | None = None) -> Checkpoint:
    """Sign the chain's current head and append the checkpoint to the file and the log.

    Refused (`CheckpointRefused`, logged as an error) when the chain does not extend the
    newest checkpoint; a newest line that is not a valid checkpoint of this key is refused
    too, since what it covered cannot be checked.
    """
    seq, head = _head()
    if seq and AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first() != head:
        raise _refuse(_("the chain head names event %(seq)s, which is not there") % {"seq": seq})
    previous = newest_line()
    if previous is not None:
        try:
            last = Checkpoint.parse(previous)
        except ValueError:
            raise _refuse(_("the newest line of the checkpoint file is not a checkpoint")) from None
        if not last.signature_valid():
            raise _refuse(_("the newest checkpoint's signature is not valid"))
        extension = verify_extension(last.seq, last.head, seq)
        if not extension.ok:
            raise _refuse(
                _("the chain does not extend the checkpoint of %(time)s: %(reason)s")
                % {"time": last.time, "reason": extension.reason}
            )
    time = (now or timezone.now()).astimezone(dt.UTC).isoformat(timespec="seconds")
    checkpoint = sign(seq, head, time)
    line = checkpoint.line()
    _append_line(checkpoint_path(), line)
    logger.info("audit checkpoint %s", line)
    return checkpoint


def _refuse(reason: str) -> CheckpointRefused:
    logger.error("audit checkpoint refused: %s (%s)", reason, checkpoint_path())
    return CheckpointRefused(reason)


# --- checking the chain against the newest checkpoint -------------------------------------------


@dataclass(frozen=True)
class CheckpointCheck:
    """The database against the newest checkpoint.

    status: `none` (no checkpoint yet), `ok`, `unreadable`, `forged` (signature not valid
    with the configured key), `truncated` (events missing below the checkpoint's seq:
    `missing` is the range), `rewritten` (a different event at the checkpoint's seq).
    """

    status: str
    checkpoint: Checkpoint | None = None
    missing: tuple[int, int] | None = None
    path: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "none")

    @property
    def message(self) -> str:
        cp = self.checkpoint
        if self.status == "none":
            return _(
                "No checkpoint yet in %(path)s: a truncated tail cannot be detected until one "
                "is written (python manage.py audit_checkpoint)."
            ) % {"path": self.path}
        if self.status == "unreadable":
            return _("The newest line of %(path)s is not a checkpoint.") % {"path": self.path}
        if self.status == "forged":
            return _(
                "The newest checkpoint (event %(seq)s, %(time)s) has no valid signature of the "
                "configured key: it is forged, or signed with another key (key %(key)s; "
                "configured: %(ours)s)."
            ) % {"seq": cp.seq, "time": cp.time, "key": cp.key, "ours": key_id()}
        if self.status == "truncated":
            first, last = self.missing
            return _(
                "Events %(first)s–%(last)s are missing: the checkpoint of %(time)s covers "
                "%(seq)s events, the database ends at event %(end)s (the tail was cut and the "
                "chain head rewound)."
            ) % {"first": first, "last": last, "time": cp.time, "seq": cp.seq, "end": first - 1}
        if self.status == "rewritten":
            return _(
                "Event %(seq)s is not the one signed in the checkpoint of %(time)s: the chain "
                "was rewritten up to it."
            ) % {"seq": cp.seq, "time": cp.time}
        return _(
            "The newest checkpoint (event %(seq)s, %(time)s, key %(key)s) is validly signed "
            "and matches the database."
        ) % {"seq": cp.seq, "time": cp.time, "key": cp.key}


def check_newest() -> CheckpointCheck:
    path = checkpoint_path()
    line = newest_line(path)
    if line is None:
        return CheckpointCheck("none", path=str(path))
    try:
        checkpoint = Checkpoint.parse(line)
    except ValueError:
        return CheckpointCheck("unreadable", path=str(path))
    if not checkpoint.signature_valid():
        return CheckpointCheck("forged", checkpoint, path=str(path))
    if checkpoint.seq == 0:
        return CheckpointCheck("ok", checkpoint, path=str(path))
    stored = AuditEvent.objects.filter(seq=checkpoint.seq).values_list("hash", flat=True).first()
    if stored is None:
        below = AuditEvent.objects.filter(seq__lt=checkpoint.seq).aggregate(m=Max("seq"))["m"]
        return CheckpointCheck(
            "truncated", checkpoint, missing=((below or 0) + 1, checkpoint.seq), path=str(path)
        )
    if stored != checkpoint.head:
        return CheckpointCheck("rewritten", checkpoint, path=str(path))
    return CheckpointCheck("ok", checkpoint, path=str(path))


# --- the periodic background task ---------------------------------------------------------------


def _pending_runs() -> int:
    """Checkpoint tasks waiting in the queue (django-tasks-db), so that only one chain of
    periodic runs exists however often `--schedule` is called."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=audit_checkpoint_task.module_path, status=TaskResultStatus.READY
    ).count()


def schedule(*, delay: dt.timedelta | None = None) -> bool:
    """Enqueue the next periodic checkpoint (after `delay`), unless one is already waiting.
    Returns whether one was enqueued. With a backend that cannot defer (the inline backend of
    tests), nothing is scheduled ahead."""
    if delay is not None and not default_task_backend.supports_defer:
        return False
    if default_task_backend.supports_defer and _pending_runs():
        return False
    if delay is None:
        audit_checkpoint_task.enqueue()
    else:
        audit_checkpoint_task.using(run_after=timezone.now() + delay).enqueue()
    return True


@task()
def audit_checkpoint_task() -> int:
    """Write a checkpoint (background worker), then enqueue the next one after the interval,
    also when this one was refused, so that the error is repeated until someone acts."""
    try:
        with command_context("task"):
            return write_checkpoint().seq
    finally:
        schedule(delay=settings.KOTOPAIKKA_AUDIT_CHECKPOINT_INTERVAL)
