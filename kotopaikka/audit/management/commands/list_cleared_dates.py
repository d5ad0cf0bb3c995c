"""`manage.py list_cleared_dates`: the edits that may have erased a date, for a person to review.

Until the project had one date widget (`core.forms.DateInput`), every date input showed its
stored value in the locale's format, which the browser rejected and showed empty; saving such
a form untouched erased the date. This command repairs nothing: it lists what a person should
check against the source documents.

It reads two logs:

* the audit log (`audit.AuditEvent`, personal data): update events whose `detail.cleared`
  names a date field (written since the fix), and older update events that name a date field
  of a record whose date is empty now (the old events did not say what the new value was);
* django-auditlog's change log (agreements and other reference data), where the old and new
  values are recorded: a date field changed from a value to nothing.

Only ids, field names, times and users are printed, never the personal data itself; running it
is itself an audited read of the events it lists.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from auditlog.models import LogEntry
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import models

from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event


@dataclass(frozen=True)
class ClearedDate:
    source: str  # "audit" or "changelog"
    reference: str  # audit event seq or change-log entry id
    occurred_at: str
    user: str
    organisation: str
    object_type: str
    object_id: str
    field: str
    certainty: str  # "cleared" (recorded as emptied) or "now_empty" (changed; empty today)


def _date_fields(label: str) -> set[str]:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return set()
    return {
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.DateField | models.DateTimeField)
        and not f.auto_created
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    }


def _empty_now(label: str, object_id: str, field: str) -> bool:
    """Does the record still exist with this date empty? (False for a deleted record.)"""
    model = apps.get_model(label)
    try:
        values = list(model._default_manager.filter(pk=object_id).values_list(field, flat=True))
    except (ValueError, ValidationError):
        return False
    return bool(values) and values[0] is None


def from_audit_log() -> list[ClearedDate]:
    found: list[ClearedDate] = []
    updates = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).order_by("seq")
    date_fields: dict[str, set[str]] = {}
    for event in updates.iterator(chunk_size=2000):
        fields = date_fields.setdefault(event.object_type, _date_fields(event.object_type))
        touched = fields & set(event.fields or [])
        if not touched:
            continue
        recorded = event.detail.get("cleared") if isinstance(event.detail, dict) else None
        for name in sorted(touched):
            if recorded is not None:
                if name not in recorded:
                    continue
                certainty = "cleared"
            elif _empty_now(event.object_type, event.object_id, name):
                certainty = "now_empty"
            else:
                continue
            found.append(
                ClearedDate(
                    "audit",
                    str(event.seq),
                    event.occurred_at.isoformat(),
                    event.actor_username,
                    event.organisation_code,
                    event.object_type,
                    event.object_id,
                    name,
                    certainty,
                )
            )
    return found


def from_change_log() -> list[ClearedDate]:
    found: list[ClearedDate] = []
    entries = LogEntry.objects.filter(action=LogEntry.Action.UPDATE).select_related(
        "content_type", "actor"
    )
    for entry in entries.order_by("pk").iterator(chunk_size=2000):
        label = f"{entry.content_type.app_label}.{entry.content_type.model_class().__name__}"
        fields = _date_fields(label)
        for name, change in (entry.changes_dict or {}).items():
            if name not in fields or not isinstance(change, list | tuple) or len(change) != 2:
                continue
            old, new = change
            if old not in (None, "", "None") and new in (None, "", "None"):
                found.append(
                    ClearedDate(
                        "changelog",
                        str(entry.pk),
                        entry.timestamp.isoformat(),
                        entry.actor.get_username() if entry.actor else "",
                        "",
                        label,
                        str(entry.object_pk),
                        name,
                        "cleared",
                    )
                )
    return found


class Command(BaseCommand):
    help = (
        "List the edits that set a date to empty (audit log and change log), for a person to "
        "review against the source documents. Changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")

    def handle(self, *args, **options):
        rows = from_audit_log() + from_change_log()
        person_ids = sorted({r.object_id for r in rows if r.object_type == "people.Person"})
        record_event(
            actor=None,
            action=AuditEvent.Action.LIST,
            object_type="audit.AuditEvent",
            subject_ids=person_ids,
            fields=["seq", "occurred_at", "actor_username", "object_id", "fields"],
            detail={"purpose": "list_cleared_dates", "count": len(rows)},
        )
        if options["json"]:
            for row in rows:
                self.stdout.write(json.dumps(asdict(row)))
            return
        if not rows:
            self.stdout.write("No edit set a date to empty.")
            return
        self.stdout.write("source\tref\ttime\tuser\torganisation\tobject\tid\tfield\tcertainty")
        for r in rows:
            self.stdout.write("\t".join(str(v) for v in asdict(r).values()))
        self.stdout.write(
            f"{len(rows)} edits set a date to empty; check each against its source document. "
            "'now_empty': an older event that changed the date of a record whose date is empty "
            "now (the event does not say what it was set to)."
        )
