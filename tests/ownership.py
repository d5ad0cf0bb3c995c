"""Records which app's code writes which app's tables, so that a test fails when an app writes
another app's models (each model has one owning app; others call its services).

Installed for every test by `tests/conftest.py` (`connection.execute_wrapper`). For each
INSERT, UPDATE or DELETE it finds the table's app and the writing code: the innermost stack
frame in a `kotopaikka.<app>` module that is not a models module (a model's own `save()` or
queryset method runs on behalf of its caller). Writes by code outside the project (tests,
Django's own tables, django-auditlog, django-tasks-db) and cascades that the database layer
performs for a foreign key (`on_delete`, declared by the owner of the key) are not counted.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from django.apps import apps

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?',
    re.IGNORECASE,
)
_CASCADE_FILE = "django/db/models/deletion.py"


def _table_apps() -> dict[str, str]:
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        name = model.__module__
        if name.startswith("kotopaikka."):
            tables[model._meta.db_table] = model._meta.app_label
    return tables


def _writing_app() -> tuple[str, str] | None:
    """(app, module) of the innermost project frame that is not a models module, or None when
    no project code is on the stack, or the write is a foreign-key cascade."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.endswith(_CASCADE_FILE):
            return None
        module = frame.f_globals.get("__name__", "")
        if module.startswith("kotopaikka.") and not module.endswith(".models"):
            parts = module.split(".")
            return parts[1], module
        frame = frame.f_back
    return None


@dataclass
class WriteRecorder:
    """The execute wrapper; `violations` lists (writing module, app, table, statement)."""

    violations: list[tuple[str, str, str, str]] = field(default_factory=list)
    tables: dict[str, str] = field(default_factory=_table_apps)

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match:
            owner = self.tables.get(match.group(1))
            writer = _writing_app() if owner else None
            if writer is not None and writer[0] != owner:
                self.violations.append((writer[1], owner, match.group(1), sql[:120]))
        return execute(sql, params, many, context)
