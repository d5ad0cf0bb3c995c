"""django-auditlog's change history in words: "field: old → new" with the field's verbose
name and each value as the pages show it, in the user's language.

The log stores values as text (`"None"`, `"True"`, `"2026-03-01"`, a foreign key's id, a JSON
list); this turns them back into what they mean: "–", yes/no, 1.3.2026, the related record's
name, the labels of coded values. Reverse relations, which the log lists on creation as
`placement.AgreementYear.None`, primary keys and automatic timestamps are left out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

EMPTY = "–"
DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = "j.n.Y H:i"

#: auditlog's actions (LogEntry.Action) in the words of the project's own audit log
ACTIONS = {0: _("created"), 1: _("changed"), 2: _("deleted"), 3: _("viewed")}


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeEntry:
    timestamp: dt.datetime
    actor: str
    action: str
    created: bool
    subject: str  # what changed, when not the page's record itself ("agreed places for 2026")
    changes: list[Change]


def _yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


def _related_name(field: models.ForeignKey, value: str) -> str:
    found = field.related_model._default_manager.filter(pk=value).first()
    return str(found) if found is not None else value


def _codes(value, labels: Mapping[str, str] | Callable[[str], str] | None) -> str:
    if not isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if labels is None:
        names = [str(v) for v in value]
    elif callable(labels):
        names = [str(labels(v)) for v in value]
    else:
        names = [str(labels.get(v, v)) for v in value]
    return ", ".join(names) or EMPTY


def display_value(field: models.Field, text, labels=None) -> str:
    """A logged value (text, or None) as the pages show it."""
    if text is None or text in ("None", ""):
        return EMPTY
    try:
        if isinstance(field, models.BooleanField):
            return _yes_no(text == "True")
        if isinstance(field, models.DateTimeField):
            return date_format(dt.datetime.fromisoformat(text), DATETIME_FORMAT)
        if isinstance(field, models.DateField):
            return date_format(dt.date.fromisoformat(text), DATE_FORMAT)
        if isinstance(field, models.JSONField):
            return _codes(json.loads(text), labels)
    except ValueError:
        return str(text)
    if field.choices:
        choices = {str(value): label for value, label in field.flatchoices}
        return str(choices.get(str(text), text))
    if isinstance(field, models.ForeignKey):
        return _related_name(field, text)
    if isinstance(field, models.FileField):
        return PurePosixPath(text).name
    return str(text)


def _shown(field) -> bool:
    """Only the model's own fields that a person edits: not reverse relations, the primary
    key or automatic timestamps."""
    if not getattr(field, "concrete", False) or field.primary_key:
        return False
    return not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _m2m_text(change: dict) -> tuple[str, str]:
    objects = ", ".join(str(o) for o in change.get("objects", [])) or EMPTY
    return (EMPTY, objects) if change.get("operation") == "add" else (objects, EMPTY)


def describe(
    entries: Iterable,
    *,
    subject: Callable[[object], str] | None = None,
    hidden: Iterable[str] = (),
    value_labels: Mapping[str, object] | None = None,
) -> list[ChangeEntry]:
    """auditlog `LogEntry` rows as `ChangeEntry`s in the active language.

    `subject(entry)` names what an entry changed when the page shows several records' history
    (default: nothing); `hidden` are field names not to show (e.g. the link to the parent);
    `value_labels` maps a JSON list field's name to the labels of its codes (a mapping or a
    function)."""
    value_labels = value_labels or {}
    hidden = set(hidden)
    result = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        for name, values in (entry.changes_dict or {}).items():
            if name in hidden or model is None:
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(values, dict):  # a many-to-many change
                old, new = _m2m_text(values)
            elif _shown(field):
                old, new = (display_value(field, v, value_labels.get(name)) for v in values)
            else:
                continue
            if old != new:
                changes.append(Change(str(field.verbose_name), old, new))
        actor = entry.actor
        result.append(
            ChangeEntry(
                timestamp=entry.timestamp,
                actor=(actor.get_full_name() or actor.get_username()) if actor else EMPTY,
                action=str(ACTIONS.get(entry.action, entry.action)),
                created=entry.action == 0,
                subject=subject(entry) if subject else "",
                changes=changes,
            )
        )
    return result
