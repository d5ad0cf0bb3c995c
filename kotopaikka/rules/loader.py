"""Idempotent loading of the shipped legal rules (`data/legal_rules.csv`).

A second run on an unchanged file writes nothing. A value an administrator entered (`set_by`)
is never overwritten by the file; the file's references and confidence are kept up to date.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from .catalogue import RULES
from .models import LegalRule

DATA_FILE = Path(__file__).resolve().parent / "data" / "legal_rules.csv"
SHIPPED_FIELDS = ("valid_until", "unit", "legal_reference", "source_url", "confidence", "note")


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _rows(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(csv.DictReader(handle), start=2):
            key = raw["key"]
            if key not in RULES:
                raise ValidationError(f"{path.name}:{number}: unknown rule {key!r}")
            if raw["unit"] != RULES[key].unit:
                raise ValidationError(f"{path.name}:{number}: {key} is in {RULES[key].unit}")
            value = Decimal(raw["value"]) if raw["value"] else None
            if (value is None) != (raw["confidence"] == LegalRule.Confidence.UNKNOWN):
                raise ValidationError(
                    f"{path.name}:{number}: a row without a value is 'unknown', and only such"
                )
            rows.append(
                {
                    "key": key,
                    "valid_from": _date(raw["valid_from"]),
                    "valid_until": _date(raw["valid_until"]),
                    "value": value,
                    "unit": raw["unit"],
                    "confidence": raw["confidence"],
                    "legal_reference": raw["legal_reference"],
                    "source_url": raw["source_url"],
                    "note": raw["note"],
                }
            )
    return rows


def check_no_overlaps() -> None:
    """Each rule has one row for any day."""
    rows = list(LegalRule.objects.order_by("key", "valid_from"))
    for before, after in itertools.pairwise(rows):
        if before.key == after.key and (
            before.valid_until is None or before.valid_until >= after.valid_from
        ):
            raise ValidationError(
                f"{before.key}: the periods from {before.valid_from} and {after.valid_from} overlap"
            )


@transaction.atomic
def load_rules(path: Path = DATA_FILE) -> LoadReport:
    created = updated = 0
    for row in _rows(path):
        stored = LegalRule.objects.filter(key=row["key"], valid_from=row["valid_from"]).first()
        if stored is None:
            LegalRule.objects.create(**row)
            created += 1
            continue
        changes = {f: row[f] for f in SHIPPED_FIELDS if getattr(stored, f) != row[f]}
        if not stored.set_by and stored.value != row["value"]:
            changes["value"] = row["value"]
        if changes:
            for name, value in changes.items():
                setattr(stored, name, value)
            stored.save(update_fields=list(changes))
            updated += 1
    check_no_overlaps()
    return LoadReport(created, updated)
