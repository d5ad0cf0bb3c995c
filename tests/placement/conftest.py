"""Placement fixtures: an outcome model trained once per test process on the shipped
synthetic history (training takes seconds; each test gets its own stored row of it)."""

from __future__ import annotations

import functools
import hashlib
import json

import pytest

from kotopaikka.optimiser import outcome
from kotopaikka.placement.models import OutcomeModelVersion
from kotopaikka.placement.outcome_models import SHIPPED_HISTORY


@functools.cache
def _trained() -> tuple[str, dict, int, int]:
    rows = outcome.read_history(SHIPPED_HISTORY)
    model = outcome.train(rows, kind="logistic", seed=0)
    return (
        json.dumps(model.to_document(), sort_keys=True),
        model.report,
        len(rows),
        len({r["case_id"] for r in rows}),
    )


@pytest.fixture
def trained_model(db) -> OutcomeModelVersion:
    """A finished outcome model (version 1) as `outcome_models.execute_training` stores it."""
    text, report, rows, cases = _trained()
    doc = json.loads(text)
    return OutcomeModelVersion.objects.create(
        version=1,
        status=OutcomeModelVersion.Status.DONE,
        source=OutcomeModelVersion.Source.SHIPPED,
        requested_by="test",
        synthetic=True,
        rows=rows,
        cases=cases,
        first_year=2014,
        last_year=2023,
        features={
            "member": doc["member_features"],
            "municipality": doc["municipality_features"],
            "tie": True,
        },
        report=report,
        document=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
