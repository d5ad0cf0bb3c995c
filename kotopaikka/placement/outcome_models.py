"""The outcome model in the app: train it (a background task, or `manage.py
train_outcome_model`) on the synthetic history shipped in `placement/data/` or on an
uploaded history file, store it with its version, data description, features, quality and
hash, and give runs the model in force.

The model itself is the optimiser library's (`kotopaikka.optimiser.outcome`); this module
only stores and serves it. History files hold no names or identity codes (docs/placement-
format.md, "Outcome history"); they are kept as uploaded so that a version can be retrained.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.audit.context import command_context
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.optimiser import outcome

from .models import OutcomeModelVersion

MODEL = "placement.OutcomeModelVersion"
SHIPPED_HISTORY = Path(__file__).resolve().parent / "data" / "outcome_history_synthetic.csv.gz"
#: An uploaded history is at most this big (about 500,000 member rows).
MAX_HISTORY_BYTES = 20 * 1024 * 1024

#: What the model must not be used for (shown on the model card).
NOT_FOR = (
    "individual_decisions",
    "ranking_persons",
    "other_outcomes",
    "synthetic_as_real",
)


def _history_lines(raw: bytes) -> list[str]:
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig").splitlines()


def _history_problems(error: outcome.HistoryError) -> list[str]:
    """The history file's problems in the user's language, each naming its line and column."""
    reasons = {
        "missing_column": _("the column is missing"),
        "column_count": _("the line has the wrong number of values"),
        "bad_value": _("the value is not allowed here"),
        "unknown_municipality": _("not a municipality code"),
        "empty": _("the file has no rows"),
    }
    out = []
    for issue in error.issues[:10]:
        out.append(
            _("Line %(line)s, column %(column)s: %(reason)s (%(detail)s).")
            % {
                "line": issue["line"],
                "column": issue["column"] or "–",
                "reason": reasons.get(issue["code"], issue["code"]),
                "detail": issue["message"],
            }
        )
    return out


def outcome_training_request(
    *, actor: Actor | None, upload: UploadedFile | None = None, enqueue: bool = True
) -> OutcomeModelVersion:
    """Queue training on the shipped synthetic history, or on an uploaded history file. An
    upload is checked before it is queued (every problem named by line and column), so a
    refused file leaves nothing behind. `enqueue` False: the caller trains it at once
    (`execute_training`; the management command does)."""
    if actor is not None:
        require(actor, Op.OUTCOME_MODEL_TRAIN)
    name = ""
    if upload is not None:
        if upload.size > MAX_HISTORY_BYTES:
            raise ValidationError({"history": [_("The file is larger than 20 MB.")]})
        raw = upload.read()
        try:
            outcome.parse_history(_history_lines(raw))
        except (UnicodeDecodeError, OSError, EOFError):
            raise ValidationError(
                {"history": [_("The file is not UTF-8 text or gzip-compressed text.")]}
            ) from None
        except outcome.HistoryError as error:
            raise ValidationError({"history": _history_problems(error)}) from None
        upload.seek(0)
        name = Path(upload.name or "history.csv").name[:200]
    with transaction.atomic():
        row = OutcomeModelVersion(
            source=OutcomeModelVersion.Source.UPLOAD
            if upload
            else OutcomeModelVersion.Source.SHIPPED,
            requested_by=actor.user.get_username() if actor else "command",
            history_name=name,
        )
        if upload is not None:
            row.history_file.save(name or "history.csv", upload, save=False)
        row.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=MODEL,
            object_id=row.pk,
            fields=["source", "history_file"],
            detail={"source": row.source},
        )
        if enqueue:  # in the same transaction: the worker never sees a request rolled back
            train_outcome_model_task.enqueue(str(row.pk))
    return row


def execute_training(row_id: str) -> OutcomeModelVersion:
    """Train a queued request and store the model (the body of the background task)."""
    row = OutcomeModelVersion.objects.get(pk=row_id)
    if row.status != OutcomeModelVersion.Status.QUEUED:
        return row
    OutcomeModelVersion.objects.filter(pk=row.pk).update(status=OutcomeModelVersion.Status.RUNNING)
    try:
        if row.source == OutcomeModelVersion.Source.UPLOAD:
            with row.history_file.open("rb") as fh:
                rows = outcome.parse_history(_history_lines(fh.read()))
        else:
            rows = outcome.read_history(SHIPPED_HISTORY)
        model = outcome.train(rows, kind="logistic", seed=0)
        document = model.to_document()
    except (outcome.HistoryError, ValueError, OSError) as error:
        OutcomeModelVersion.objects.filter(pk=row.pk).update(
            status=OutcomeModelVersion.Status.FAILED, error=str(error)[:2000]
        )
        row.refresh_from_db()
        return row
    text = json.dumps(document, sort_keys=True)
    years = [int(r["year"]) for r in rows]
    with transaction.atomic():
        row = OutcomeModelVersion.objects.select_for_update().get(pk=row.pk)
        latest = OutcomeModelVersion.objects.aggregate(v=Max("version"))["v"] or 0
        row.version = latest + 1
        row.status = OutcomeModelVersion.Status.DONE
        row.trained_at = timezone.now()
        row.synthetic = bool(model.report.get("synthetic"))
        row.rows = len(rows)
        row.cases = len({r["case_id"] for r in rows})
        row.first_year, row.last_year = min(years), max(years)
        row.features = {
            "member": document["member_features"],
            "municipality": document["municipality_features"],
            "tie": True,
        }
        row.report = model.report
        row.document = text
        row.sha256 = hashlib.sha256(text.encode()).hexdigest()
        row.save()
        record_event(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            object_type=MODEL,
            object_id=row.pk,
            fields=["status", "version", "document", "sha256", "report"],
            detail={"version": row.version, "auc": model.report.get("auc")},
        )
    return row


@task()
def train_outcome_model_task(row_id: str) -> str:
    """Background task: train an outcome model (database worker in the demo and production)."""
    with command_context("task"):
        return execute_training(row_id).status


def current_model() -> OutcomeModelVersion | None:
    """The model in force: the newest finished version (None: runs go without one)."""
    return (
        OutcomeModelVersion.objects.filter(status=OutcomeModelVersion.Status.DONE)
        .order_by("-version")
        .first()
    )


def load_model(row: OutcomeModelVersion) -> outcome.OutcomeModel:
    """The stored model, after checking that its document still has the recorded hash."""
    if hashlib.sha256(row.document.encode()).hexdigest() != row.sha256:
        raise ValueError(f"outcome model v{row.version}: the document does not match its hash")
    return outcome.OutcomeModel.from_document(json.loads(row.document))


def model_list(*, actor: Actor) -> list[OutcomeModelVersion]:
    """Every model and training request, newest first (no personal data in them)."""
    require(actor, Op.OUTCOME_MODEL_VIEW)
    return list(OutcomeModelVersion.objects.defer("document"))


def model_card(*, actor: Actor, version: int | None = None) -> OutcomeModelVersion | None:
    """A finished model's card (the model in force when no version is asked for)."""
    require(actor, Op.OUTCOME_MODEL_VIEW)
    done = OutcomeModelVersion.objects.filter(status=OutcomeModelVersion.Status.DONE)
    if version is None:
        return done.order_by("-version").first()
    return done.filter(version=version).first()
