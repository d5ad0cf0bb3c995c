"""Placement optimiser benchmark: all sizes, reference solvers and the dynamic simulator in one run.

    .venv/bin/python benchmarks/placement.py            # the full run (about 14 minutes)
    .venv/bin/python benchmarks/placement.py --quick    # a smoke run (small sizes, short caps)

Writes ``benchmarks/results/placement.json`` and ``benchmarks/results/placement.md`` (the table
copied into docs/performance.md). Every instance is SYNTHETIC (invented cases and places on the
real 308 municipalities); outcome scores come from a logistic model trained on SYNTHETIC
history, and expected employment is measured with the synthetic ground truth.

Each measurement runs in its own child process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SEED = 2026

# size: (time limit of Kotopaikka, reference caps in seconds or None = skipped)
PLAN = {
    150: (10.0, (10.0, 100.0)),
    1000: (10.0, (10.0,)),  # issue 12's target size (the references at 10 s only: time)
    3000: (10.0, (10.0, 100.0)),
    30000: (60.0, None),
    100000: (60.0, None),
}
QUICK_PLAN = {150: (10.0, (5.0, 20.0)), 1000: (10.0, (5.0, 20.0))}
#: The test suite's run: every stage of the script on small instances, in about half a minute.
SMOKE_PLAN = {60: (3.0, (1.0, 2.0)), 200: (3.0, (1.0, 2.0))}
SKIP_REASON = (
    "not run: the textbook model has one binary variable per allowed pair ({pairs:,}); "
    "at 3,000 cases PuLP needed {build:.0f} s just to build and hand over "
    "{pairs3k:,} variables"
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    import numpy
    import ortools
    import pulp
    import scipy
    import sklearn

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "ortools": ortools.__version__,
        "highspy": importlib.metadata.version("highspy"),
        "pulp": pulp.__version__,
        "scikit_learn": sklearn.__version__,
    }


# ----------------------------------------------------------------------------- workers


def _instance(size: int, model_path: str):
    from kotopaikka.optimiser.outcome import OutcomeModel
    from kotopaikka.optimiser.synthetic import generate_instance

    model = OutcomeModel.load(model_path)
    return generate_instance(size, seed=SEED, tightness=0.95, scores="model", model=model)


def _employment(inst, assignment: dict[str, str]) -> float:
    """Expected employed working-age members under the synthetic ground truth."""
    from kotopaikka.optimiser.synthetic import Truth

    truth = Truth.for_municipalities(inst.municipalities).score_matrix(inst.cases)
    col = inst.muni_index
    return float(
        sum(truth[i, col[assignment[c.id]]] for i, c in enumerate(inst.cases) if c.id in assignment)
    )


def worker_solve(size: int, time_limit: float, model_path: str) -> dict:
    from kotopaikka.optimiser.feasibility import check_assignment
    from kotopaikka.optimiser.solve import solve

    t0 = time.perf_counter()
    inst = _instance(size, model_path)
    gen = time.perf_counter() - t0
    t1 = time.perf_counter()
    res = solve(inst, time_limit=time_limit, seed=SEED, explain=True)
    wall = time.perf_counter() - t1
    violations = check_assignment(inst, res.assignment_map())
    t2 = time.perf_counter()
    greedy = solve(inst, method="greedy", time_limit=time_limit, seed=SEED, explain=False)
    greedy_wall = time.perf_counter() - t2
    return {
        "cases": inst.n_cases,
        "municipalities": inst.n_municipalities,
        "persons": int(sum(c.size for c in inst.cases)),
        "persons_capacity": int(sum(m.capacity["persons"] for m in inst.municipalities)),
        "generate_s": round(gen, 2),
        "time_limit_s": time_limit,
        "solve_s": round(wall, 2),
        "timings": res.timings,
        "method": res.method,
        "status": res.status,
        "objective": res.objective,
        "bound": res.bound,
        "gap": res.gap,
        "violations": len(violations),
        "stats": res.stats,
        "greedy_objective": greedy.objective,
        "greedy_s": round(greedy_wall, 2),
        "employment": _employment(inst, res.assignment_map()),
        "greedy_employment": _employment(inst, greedy.assignment_map()),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _textbook(inst):
    """The plain formulation: a binary per allowed pair, one row per case and capacity."""
    import numpy as np

    from kotopaikka.optimiser.compat import eligibility_matrix
    from kotopaikka.optimiser.scores import coefficient_matrix

    coef = coefficient_matrix(inst)
    elig = eligibility_matrix(inst)
    demand = inst.demand_matrix()
    cap = inst.capacity_matrix()
    fits = np.all((demand[:, None, :] <= cap[None, :, :]) | (demand[:, None, :] == 0), axis=2)
    ok = elig & fits
    ci, mj = np.nonzero(ok)
    return coef, demand, cap, ci, mj


def worker_cbc(size: int, cap_s: float, model_path: str) -> dict:
    import pulp

    inst = _instance(size, model_path)
    t0 = time.perf_counter()
    coef, demand, cap, ci, mj = _textbook(inst)
    prob = pulp.LpProblem("placement", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{k}", cat="Binary") for k in range(len(ci))]
    prob += pulp.lpSum(float(coef[i, j]) * v for i, j, v in zip(ci, mj, x, strict=True))
    by_case: dict[int, list] = {}
    by_cap: dict[tuple[int, int], list] = {}
    for i, j, v in zip(ci, mj, x, strict=True):
        by_case.setdefault(int(i), []).append(v)
        for d in range(demand.shape[1]):
            if demand[i, d] > 0 and cap[j, d] != float("inf"):
                by_cap.setdefault((int(j), d), []).append((int(demand[i, d]), v))
    for vs in by_case.values():
        prob += pulp.lpSum(vs) <= 1
    for (j, d), terms in by_cap.items():
        prob += pulp.lpSum(a * v for a, v in terms) <= float(cap[j, d])
    _linked_rows(inst, prob, ci, mj, x, pulp)
    build = time.perf_counter() - t0
    with tempfile.NamedTemporaryFile(suffix=".log", delete=False) as fh:
        log = fh.name
    t1 = time.perf_counter()
    prob.solve(pulp.PULP_CBC_CMD(timeLimit=cap_s, msg=False, logPath=log, threads=1))
    solve_s = time.perf_counter() - t1
    # PuLP 2.x says "Optimal" when CBC stops at the time limit holding a feasible solution
    # and "Not Solved" when it holds none (then the variables keep no solution's values)
    obj = pulp.value(prob.objective) if pulp.LpStatus[prob.status] == "Optimal" else None
    bound = _cbc_bound(Path(log).read_text(errors="replace"))
    return {
        "solver": "PuLP + CBC (default)",
        "cap_s": cap_s,
        "variables": len(x),
        "build_s": round(build, 2),
        "solve_s": round(solve_s, 2),
        "status": pulp.LpStatus[prob.status],
        "objective": obj,
        "bound": bound,
        "gap": None if obj is None or bound is None else (bound - obj) / abs(bound),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _linked_groups(inst) -> list[list[int]]:
    """Case indices of each linked group (they must go to the same municipality)."""
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(inst.cases):
        if c.linked_group:
            groups.setdefault(c.linked_group, []).append(i)
    return list(groups.values())


def _linked_rows(inst, prob, ci, mj, x, pulp) -> None:
    """Linked cases in the same municipality: x[a, m] == x[b, m] for linked a, b."""
    var = {(int(i), int(j)): v for i, j, v in zip(ci, mj, x, strict=True)}
    for members in _linked_groups(inst):
        a = members[0]
        for b in members[1:]:
            for j in range(inst.n_municipalities):
                va, vb = var.get((a, j)), var.get((b, j))
                if va is not None or vb is not None:
                    prob += (va or 0) - (vb or 0) == 0


def _cbc_bound(log: str) -> float | None:
    """CBC minimises the negated objective: its 'best possible' is minus our bound."""
    vals = re.findall(r"best possible (-?[0-9.eE+-]+)", log)
    vals += re.findall(r"Objective bound[^\n]*?(-?[0-9.]+(?:e[+-]?\d+)?)\s*$", log, re.M)
    return -float(vals[-1]) if vals else None


def worker_highs(size: int, cap_s: float, model_path: str) -> dict:
    """The same textbook model in SciPy's HiGHS MIP (the off-the-shelf open solver)."""
    import numpy as np
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    inst = _instance(size, model_path)
    t0 = time.perf_counter()
    coef, demand, cap, ci, mj = _textbook(inst)
    n = len(ci)
    rows, cols, vals = [ci], [np.arange(n)], [np.ones(n)]
    rhs = [np.ones(inst.n_cases)]
    base = inst.n_cases
    for d in range(demand.shape[1]):
        finite = np.isfinite(cap[:, d])
        rowid = np.full(inst.n_municipalities, -1)
        rowid[finite] = np.arange(int(finite.sum()))
        ok = (demand[ci, d] > 0) & (rowid[mj] >= 0)
        rows.append(base + rowid[mj[ok]])
        cols.append(np.flatnonzero(ok))
        vals.append(demand[ci[ok], d].astype(float))
        rhs.append(cap[finite, d])
        base += int(finite.sum())
    A = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(base, n)
    )
    cons = [LinearConstraint(A, -np.inf, np.concatenate(rhs))]
    pos = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(ci, mj, strict=True))}
    er, ec, ev, r = [], [], [], 0
    for members in _linked_groups(inst):
        for b in members[1:]:
            for j in range(inst.n_municipalities):
                ka, kb = pos.get((members[0], j)), pos.get((b, j))
                if ka is None and kb is None:
                    continue
                if ka is not None:
                    er.append(r), ec.append(ka), ev.append(1.0)
                if kb is not None:
                    er.append(r), ec.append(kb), ev.append(-1.0)
                r += 1
    if r:
        cons.append(LinearConstraint(sp.csr_matrix((ev, (er, ec)), shape=(r, n)), 0, 0))
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    res = milp(
        -coef[ci, mj],
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=cons,
        options={"time_limit": cap_s},
    )
    solve_s = time.perf_counter() - t1
    obj = None if res.fun is None else -float(res.fun)
    bound = None if getattr(res, "mip_dual_bound", None) is None else -float(res.mip_dual_bound)
    return {
        "solver": "SciPy HiGHS MIP",
        "cap_s": cap_s,
        "variables": n,
        "build_s": round(build, 2),
        "solve_s": round(solve_s, 2),
        "status": res.message,
        "objective": obj,
        "bound": bound,
        "gap": None if obj is None or bound is None else (bound - obj) / abs(bound),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def worker_dynamic(cases: int, batches: int, sequences: int, samples: int) -> dict:
    from kotopaikka.optimiser.dynamic import simulate

    t0 = time.perf_counter()
    res = simulate(
        cases=cases,
        n_batches=batches,
        sequences=sequences,
        samples=samples,
        seed=SEED,
        hindsight_time=60.0,
    )
    doc = res.to_dict()
    doc["wall_s"] = round(time.perf_counter() - t0, 1)
    doc["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return doc


WORKERS = {
    "solve": worker_solve,
    "cbc": worker_cbc,
    "highs": worker_highs,
    "dynamic": worker_dynamic,
}


def _number_or_text(text: str) -> int | float | str:
    """Worker arguments arrive as text: sizes and caps are numbers, the model path is not."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def run_child(kind: str, *args) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, *[str(a) for a in args]]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if out.returncode != 0:
        return {
            "error": out.stderr.strip().splitlines()[-1:] or ["failed"],
            "wall_s": round(time.perf_counter() - t0, 1),
        }
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- the run


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes (the test suite's run)")
    ap.add_argument("--worker", nargs="+")
    ap.add_argument("--out", default=str(RESULTS / "placement.json"))
    args = ap.parse_args()
    if args.worker:
        kind, *rest = args.worker
        fn = WORKERS[kind]
        conv = [_number_or_text(a) for a in rest]
        print(json.dumps(fn(*conv)))
        return 0

    from kotopaikka.optimiser.outcome import default_model

    t_start = time.perf_counter()
    plan = SMOKE_PLAN if args.smoke else QUICK_PLAN if args.quick else PLAN
    report: dict = {
        "synthetic": True,
        "note": "SYNTHETIC instances on the real 308 municipalities; see docs/performance.md",
        "machine": machine(),
        "seed": SEED,
        "command": "python benchmarks/placement.py"
        + (" --smoke" if args.smoke else " --quick" if args.quick else ""),
    }
    t0 = time.perf_counter()
    model = default_model(seed=SEED)
    model_path = Path(tempfile.mkdtemp()) / "outcome-model.json"
    model.save(model_path)
    report["outcome_model"] = {**model.report, "train_s": round(time.perf_counter() - t0, 1)}
    print(
        f"outcome model: AUC {model.report['auc']} (truth {model.report.get('auc_of_true_probabilities')})",
        file=sys.stderr,
    )
    sizes = []
    cbc_build_3k = None
    pairs_3k = None
    for size, (limit, caps) in plan.items():
        row = {"size": size, "kotopaikka": run_child("solve", size, limit, model_path)}
        print(f"{size}: {json.dumps(row['kotopaikka'])[:300]}", file=sys.stderr)
        refs = []
        if caps:
            for cap_s in caps:
                for kind in ("cbc", "highs"):
                    r = run_child(kind, size, cap_s, model_path)
                    refs.append(r)
                    print(f"  {kind} {cap_s}: {json.dumps(r)[:300]}", file=sys.stderr)
                    if kind == "cbc" and size == 3000 and "build_s" in r:
                        cbc_build_3k, pairs_3k = r["build_s"], r["variables"]
        else:
            pairs = row["kotopaikka"].get("stats", {}).get("pairs_allowed", 0)
            refs.append(
                {
                    "skipped": SKIP_REASON.format(
                        pairs=pairs, build=cbc_build_3k or float("nan"), pairs3k=pairs_3k or 0
                    )
                }
            )
        row["references"] = refs
        sizes.append(row)
    report["sizes"] = sizes
    dyn = (150, 4, 1, 1) if args.smoke else (400, 10, 1, 2) if args.quick else (1500, 26, 2, 3)
    report["dynamic"] = run_child("dynamic", *dyn)
    report["total_s"] = round(time.perf_counter() - t_start, 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.3f} %"


def _num(x, nd=1) -> str:
    return "–" if x is None else f"{x:,.{nd}f}"


def markdown(rep: dict) -> str:
    m = rep["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; Python {m['python']}, "
        f"highspy {m.get('highspy', '(version not recorded)')} (Kotopaikka's HiGHS), SciPy {m['scipy']} (reference HiGHS MIP), OR-Tools {m['ortools']}, PuLP {m['pulp']}. "
        f"Whole run {rep['total_s']:.0f} s. Command: `{rep['command']}`. "
        "All instances SYNTHETIC.",
        "",
        "| cases | persons / places | Kotopaikka: method, time | peak memory | objective | "
        "proven bound | proven gap | greedy objective | expected employment: optimised vs "
        "greedy | violations |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rep["sizes"]:
        k = row["kotopaikka"]
        if "error" in k:
            lines.append(f"| {row['size']:,} | error: {k['error']} | | | | | | | | |")
            continue
        gain = (k["employment"] / k["greedy_employment"] - 1) if k["greedy_employment"] else None
        lines.append(
            f"| {k['cases']:,} | {k['persons']:,} / {k['persons_capacity']:,} | {k['method']} "
            f"({k['status']}), {k['solve_s']:.1f} s (limit {k['time_limit_s']:.0f} s) | "
            f"{k['peak_rss_mb']:,.0f} MB | {_num(k['objective'])} | {_num(k['bound'])} | "
            f"{_pct(k['gap'])} | {_num(k['greedy_objective'])} | {_num(k['employment'])} vs "
            f"{_num(k['greedy_employment'])} ({'+' if gain and gain > 0 else ''}"
            f"{_pct(gain)}) | {k['violations']} |"
        )
    notes = []
    for row in rep["sizes"]:
        st = row["kotopaikka"].get("stats", {})
        if "working_set" in st:
            notes.append(
                f"{row['size']:,} cases: Lagrangian over all pairs at the prices of a "
                f"{st['working_set']:,}-class working-set LP"
            )
        elif "lp_value" in st:
            part = f"{row['size']:,} cases: LP {_num(st['lp_value'], 2)}"
            if "knapsack_bound" in st:
                part += f", knapsack Lagrangian {_num(st['knapsack_bound'], 2)}"
                if "knapsack_rounds" in st:  # the exact method evaluates it once
                    part += f" ({st['knapsack_rounds']} rounds)"
            if "mip_status" in st:
                part += f", MIP {st['mip_status']}"
            notes.append(part)
    if notes:
        lines += [
            "",
            "Where the bounds come from (the reported bound is the lowest): "
            + "; ".join(notes)
            + ".",
        ]
    lines += [
        "",
        "Reference solvers on the textbook model (one binary per allowed pair):",
        "",
        "| cases | solver | time cap | variables | build | solve | objective | its bound | "
        "its gap |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rep["sizes"]:
        for r in row["references"]:
            if "skipped" in r:
                lines.append(f"| {row['size']:,} | – | – | – | – | – | {r['skipped']} | | |")
            elif "error" in r:
                lines.append(f"| {row['size']:,} | error | | | | | {r['error']} | | |")
            else:
                if str(r.get("status")) == "Not Solved":
                    r = {**r, "objective": None, "gap": None}
                lines.append(
                    f"| {row['size']:,} | {r['solver']} | {r['cap_s']:.0f} s | "
                    f"{r['variables']:,} | {r['build_s']:.1f} s | {r['solve_s']:.1f} s | "
                    f"{_num(r['objective'])} | {_num(r['bound'])} | {_pct(r['gap'])} |"
                )
    d = rep.get("dynamic", {})
    if "share_of_hindsight" in d:
        sh = d["share_of_hindsight"]
        p = d["params"]
        lines += [
            "",
            f"Dynamic simulator ({p['sequences']} SYNTHETIC years of {p['cases']:,} "
            f"arrivals in {p['batches']} batches, {p['samples']} sampled futures per "
            f"batch; {d['wall_s']:.0f} s):",
            "",
            "| policy | share of the hindsight solution (the whole year solved at once; mean) | min | max |",
            "|---|---|---|---|",
        ]
        for name in ("fcfs", "batch", "potentials"):
            lines.append(
                f"| {name} | {_pct(sh[name]['mean'])} | {_pct(sh[name]['min'])} | "
                f"{_pct(sh[name]['max'])} |"
            )
    om = rep.get("outcome_model", {})
    if om:
        lines += [
            "",
            f"Outcome model (logistic, SYNTHETIC history, {om['n_train']:,} training "
            f"rows): AUC {om['auc']} (the true probabilities reach "
            f"{om.get('auc_of_true_probabilities')}), Brier {om['brier']}, expected "
            f"calibration error {om['expected_calibration_error']}.",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
