"""Idempotent loading of the shipped compensation rules (`data/compensation_rules.csv`), and
of the demonstration's provisional values (`data/provisional_demo.csv`, `seed_demo` only).

A second run on an unchanged file writes nothing. A value entered through an approved
four-eyes change is never overwritten by the file; the file's references and confidence are
kept up to date. Rows of one rule and recipient kind never overlap (checked row by row, as
the service does, and on PostgreSQL by the exclusion constraint).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from .catalogue import RULES
from .models import CompensationRule, Confidence, RuleChange
from .services import check_no_overlap

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILE = DATA_DIR / "compensation_rules.csv"
DEMO_FILE = DATA_DIR / "provisional_demo.csv"
SHIPPED_FIELDS = (
    "valid_until",
    "unit",
    "statute",
    "section",
    "source_url",
    "confidence",
    "note",
)


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _check_key(path: Path, number: int, key: str, kind: str) -> None:
    if key not in RULES:
        raise ValidationError(f"{path.name}:{number}: unknown rule {key!r}")
    if kind not in RULES[key].kinds:
        raise ValidationError(f"{path.name}:{number}: {key} has no recipient kind {kind!r}")


def shipped_rows(path: Path = DATA_FILE) -> list[dict]:
    """The file's rows as field dicts, checked against the catalogue."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(csv.DictReader(handle), start=2):
            key, kind = raw["key"], raw["kind"]
            _check_key(path, number, key, kind)
            value = Decimal(raw["value"]) if raw["value"] else None
            if (value is None) != (raw["confidence"] == Confidence.UNKNOWN):
                raise ValidationError(
                    f"{path.name}:{number}: a row without a value is 'unknown', and only such"
                )
            if raw["confidence"] not in Confidence.values:
                raise ValidationError(f"{path.name}:{number}: confidence {raw['confidence']!r}")
            rows.append(
                {
                    "key": key,
                    "kind": kind,
                    "valid_from": _date(raw["valid_from"]),
                    "valid_until": _date(raw["valid_until"]),
                    "value": value,
                    "unit": RULES[key].unit,
                    "confidence": raw["confidence"],
                    "statute": raw["statute"],
                    "section": raw["section"],
                    "source_url": raw["source_url"],
                    "note": raw["note"],
                }
            )
    return rows


def demo_rows(path: Path = DEMO_FILE) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(csv.DictReader(handle), start=2):
            _check_key(path, number, raw["key"], raw["kind"])
            rows.append(
                {
                    "key": raw["key"],
                    "kind": raw["kind"],
                    "valid_from": _date(raw["valid_from"]),
                    "valid_until": _date(raw["valid_until"]),
                    "value": Decimal(raw["value"]),
                    "note": raw["note"],
                }
            )
    return rows


def _entered(rule: CompensationRule) -> bool:
    return RuleChange.objects.filter(rule=rule, status=RuleChange.Status.APPROVED).exists()


@transaction.atomic
def load_compensation_rules(path: Path = DATA_FILE) -> LoadReport:
    created = updated = 0
    for row in shipped_rows(path):
        stored = CompensationRule.objects.filter(
            key=row["key"], kind=row["kind"], valid_from=row["valid_from"]
        ).first()
        check_no_overlap(
            row["key"],
            row["kind"],
            row["valid_from"],
            row["valid_until"],
            exclude_id=stored.pk if stored else None,
        )
        if stored is None:
            CompensationRule.objects.create(**row)
            created += 1
            continue
        changes = {f: row[f] for f in SHIPPED_FIELDS if getattr(stored, f) != row[f]}
        keep_value = stored.provisional or (stored.value is not None and _entered(stored))
        if not keep_value and stored.value != row["value"]:
            changes["value"] = row["value"]
        if keep_value:  # the entered (or demonstration) value's own reference stays
            for name in ("statute", "section", "source_url", "confidence"):
                changes.pop(name, None)
        if changes:
            for name, value in changes.items():
                setattr(stored, name, value)
            stored.save(update_fields=list(changes))
            updated += 1
    return LoadReport(created, updated)


@transaction.atomic
def load_provisional_demo(path: Path = DEMO_FILE) -> int:
    """The demonstration only: give the rows the sources leave unknown a visibly provisional
    value. Never over a value from a source or one entered by two handlers. Returns how many
    rows were given one."""
    given = 0
    for row in demo_rows(path):
        stored = CompensationRule.objects.filter(
            key=row["key"], kind=row["kind"], valid_from=row["valid_from"]
        ).first()
        if stored is None or stored.value is not None:
            continue
        stored.value = row["value"]
        stored.provisional = True
        stored.note = row["note"]
        stored.save(update_fields=["value", "provisional", "note"])
        given += 1
    return given
