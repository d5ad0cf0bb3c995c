"""The benchmark script's smoke run (``--smoke``, every stage on small instances): it finishes and writes what docs/performance.md reports.

The script is run as a user runs it (a subprocess, its own child processes), with ``--out``
in a temporary directory: the committed ``benchmarks/results/`` is never written.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "placement.py"
RESULTS = ROOT / "benchmarks" / "results"

# what each size's Kotopaikka run records (the table of docs/performance.md and its notes)
SOLVE_FIELDS = {
    "cases",
    "municipalities",
    "persons",
    "persons_capacity",
    "time_limit_s",
    "solve_s",
    "timings",
    "method",
    "status",
    "objective",
    "bound",
    "gap",
    "violations",
    "stats",
    "greedy_objective",
    "employment",
    "greedy_employment",
    "peak_rss_mb",
}
REFERENCE_FIELDS = {
    "solver",
    "cap_s",
    "variables",
    "build_s",
    "solve_s",
    "objective",
    "bound",
    "gap",
}
POLICIES = ("fcfs", "batch", "potentials", "hindsight")


def _smoke_plan() -> dict:
    spec = importlib.util.spec_from_file_location("placement_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines the plans; main() runs only as a script
    return module.SMOKE_PLAN


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_smoke_benchmark_writes_the_documented_fields(tmp_path):
    plan = _smoke_plan()
    out = tmp_path / "placement.json"
    committed = _snapshot(RESULTS)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert _snapshot(RESULTS) == committed  # the committed results are left alone

    rep = json.loads(out.read_text(encoding="utf-8"))
    assert rep["synthetic"] is True and "SYNTHETIC" in rep["note"]
    assert rep["command"].endswith("--smoke")
    assert {"machine", "seed", "outcome_model", "total_s"} <= rep.keys()
    assert {"auc", "brier", "expected_calibration_error", "n_train"} <= rep["outcome_model"].keys()

    assert [row["size"] for row in rep["sizes"]] == list(plan)
    for row in rep["sizes"]:
        k = row["kotopaikka"]
        assert "error" not in k, (row["size"], k["error"])
        assert k.keys() >= SOLVE_FIELDS, (row["size"], SOLVE_FIELDS - k.keys())
        assert k["cases"] == row["size"]
        assert k["objective"] <= k["bound"], row["size"]
        # the result raises its bound to the objective if it must (and says so): it did not
        assert "bound_raised" not in k["stats"], row["size"]
        assert k["violations"] == 0, row["size"]
        caps = plan[row["size"]][1]
        assert len(row["references"]) == (2 * len(caps) if caps else 1)
        for ref in row["references"]:
            assert "error" not in ref, (row["size"], ref["error"])
            assert "skipped" in ref or ref.keys() >= REFERENCE_FIELDS, (row["size"], ref)

    dyn = rep["dynamic"]
    assert "error" not in dyn, dyn["error"]
    assert dyn["synthetic"] is True and dyn["params"]["synthetic"] is True
    assert {"cases", "batches", "sequences", "samples"} <= dyn["params"].keys()
    assert {"wall_s", "peak_rss_mb", "sequences"} <= dyn.keys()
    for name in POLICIES:
        assert {"mean", "min", "max"} <= dyn["share_of_hindsight"][name].keys(), name
    assert dyn["share_of_hindsight"]["hindsight"]["mean"] == pytest.approx(1.0)

    table = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "All instances SYNTHETIC" in table and "Dynamic simulator" in table
