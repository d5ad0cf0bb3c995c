"""`manage.py train_outcome_model [--history FILE] [--if-none]`: train the outcome model now.

Without `--history` it trains on the synthetic history shipped in `placement/data/` (the model
is labelled synthetic wherever it is shown). `--if-none` trains only when no model exists
yet (the demo seed uses it, so reseeding does not add versions).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from kotopaikka.audit.context import command_context
from kotopaikka.placement.outcome_models import (
    current_model,
    execute_training,
    outcome_training_request,
)


class Command(BaseCommand):
    help = "Train the outcome model on the shipped synthetic history or on a history file."

    def add_arguments(self, parser):
        parser.add_argument("--history", help="a history file (CSV, may be gzip-compressed)")
        parser.add_argument(
            "--if-none", action="store_true", help="only if no model has been trained yet"
        )

    def handle(self, *args, history=None, if_none=False, **options):
        if if_none and current_model() is not None:
            self.stdout.write(f"An outcome model exists (version {current_model().version}).")
            return
        upload = None
        if history:
            path = Path(history)
            if not path.is_file():
                raise CommandError(f"{history}: no such file")
            upload = SimpleUploadedFile(path.name, path.read_bytes())
        with command_context("command"):
            try:
                row = outcome_training_request(actor=None, upload=upload, enqueue=False)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            row = execute_training(str(row.pk))
        if row.status != row.Status.DONE:
            raise CommandError(f"training failed: {row.error}")
        label = " (SYNTHETIC data)" if row.synthetic else ""
        self.stdout.write(
            f"Outcome model version {row.version}{label}: AUC {row.report.get('auc')}, "
            f"{row.rows} rows of {row.cases} cases, sha256 {row.sha256[:12]}…"
        )
