"""Placement through the year: batches, capacity reservation with potentials, a simulator.

Cases arrive in batches (by ``available_from``); a decision for a batch is final. Placing each
batch optimally but greedily uses up the best places early. **Potentials** (Ahani, Gölz,
Procaccia, Teytelboym, Trapp, Operations Research 2024) reserve capacity: before each batch,
``k`` futures are sampled (the cases still to come, drawn from earlier arrivals), the LP
relaxation of *batch + future* on the remaining capacity is solved, and its capacity prices
(averaged over the samples) are charged in the batch's objective: a case is placed in ``m`` only
if its value there beats the expected value of the places it uses.

:func:`simulate` compares, on the same arrival sequences:

* ``fcfs``: first come, first served, to the municipality with most free places (manual);
* ``batch``: each batch optimal, no reservation;
* ``potentials``: each batch optimal against the potentials;
* ``hindsight``: the whole year solved at once (all arrivals known); the reference (100 %).

Every share is ``objective / hindsight objective`` on the year's objective coefficients.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .greedy import greedy_units
from .heuristic import Sol, fill_remaining, round_lp
from .lp import ColumnLP, Prices, solve_lp
from .problem import Problem, compile_problem, subproblem
from .solve import solve


def _view(P: Problem, units: np.ndarray, cap: np.ndarray, W: np.ndarray | None = None) -> Problem:
    """The sub-problem of some units (no aggregation: unit == class) on capacity ``cap``."""
    return subproblem(
        P,
        P.A[units],
        P.W[units] if W is None else W,
        P.E[units],
        cap,
        unit_cases=[P.unit_cases[u] for u in units],
        fairness=False,
    )


def optimise_batch(
    P: Problem, units: np.ndarray, cap: np.ndarray, price: np.ndarray | None = None
) -> np.ndarray:
    """Municipality per unit of the batch (-1 unplaced): LP, rounding, min-cost flow.

    With ``price`` (M × D), the objective is ``W − A · price`` (capacity reservation).
    """
    if len(units) == 0:
        return np.zeros(0, dtype=np.int64)
    W = P.W[units]
    if price is not None:
        W = W - P.A[units] @ price.T
    V = _view(P, units, cap, W)
    if not V.E.any():
        return np.full(len(units), -1, dtype=np.int64)
    lp = ColumnLP(V).solve(max_rounds=30)
    sol = fill_remaining(V, round_lp(V, Sol(lp.k, lp.m, lp.x), lp.prices))
    out = np.full(len(units), -1, dtype=np.int64)
    out[sol.k] = sol.m
    return out


def potentials(
    P: Problem,
    batch: np.ndarray,
    pool: Problem,
    cap: np.ndarray,
    n_future: int,
    samples: int,
    rng: np.random.Generator,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Average LP capacity prices over ``samples`` sampled futures (resampled from ``pool``).

    ``start`` (the previous batch's potentials) only chooses the LP's first columns."""
    D = P.A.shape[1]
    acc = np.zeros((P.M, D))
    if n_future <= 0 or samples <= 0 or pool.U == 0:
        return acc
    for _ in range(samples):
        fut = rng.choice(pool.U, n_future, replace=True)
        V = subproblem(
            P,
            np.concatenate([P.A[batch], pool.A[fut]]),
            np.concatenate([P.W[batch], pool.W[fut]]),
            np.concatenate([P.E[batch], pool.E[fut]]),
            cap,
            fairness=False,
        )
        if not V.E.any():
            continue
        if start is None:
            lp = solve_lp(V, max_rounds=8, stop_gap=1e-3)
        else:
            warm = Prices(start, np.zeros(0))
            lp = ColumnLP(V, start=warm).solve(max_rounds=8, stop_gap=1e-3)
        acc += lp.prices.lam
    return acc / samples


def batches_of(P: Problem, n_batches: int) -> list[np.ndarray]:
    """Units split into ``n_batches`` consecutive groups of arrival dates."""
    cases = P.inst.cases
    day = np.array([min(cases[i].available_from or "9999-12-31" for i in u) for u in P.unit_cases])
    first_id = np.array([cases[u[0]].id for u in P.unit_cases])
    order = np.lexsort((first_id, day))
    return [b for b in np.array_split(order, n_batches) if len(b)]


@dataclass
class PolicyRun:
    objective: float
    outcome: float
    placed_persons: float
    seconds: float


@dataclass
class SimulationResult:
    sequences: list[dict[str, PolicyRun]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def shares(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for name in ("fcfs", "batch", "potentials", "hindsight"):
            vals = [s[name].objective / s["hindsight"].objective for s in self.sequences]
            out[name] = {
                "mean": float(np.mean(vals)),
                "min": float(np.min(vals)),
                "max": float(np.max(vals)),
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "synthetic": True,
            "params": self.params,
            "share_of_hindsight": self.shares(),
            "sequences": [{k: dataclasses.asdict(v) for k, v in s.items()} for s in self.sequences],
        }


def _run_policy(
    P: Problem,
    batches: list[np.ndarray],
    mode: str,
    pool: Problem | None,
    samples: int,
    rng: np.random.Generator,
) -> np.ndarray:
    cap = P.cap.copy()
    um = np.full(P.U, -1, dtype=np.int64)
    total = sum(len(b) for b in batches)
    seen = 0
    price = None
    for b in batches:
        if mode == "fcfs":
            got = greedy_units(_view(P, b, cap), order=list(range(len(b))), cap=cap)
        else:
            if mode == "potentials":
                price = potentials(P, b, pool, cap, total - seen - len(b), samples, rng, price)
            got = optimise_batch(P, b, cap, price if mode == "potentials" else None)
        for u, j in zip(b, got, strict=True):
            if j >= 0:
                um[u] = j
                cap[j] -= P.A[u]
        seen += len(b)
    return um


def _score(P: Problem, um: np.ndarray) -> tuple[float, float, float]:
    placed = um >= 0
    obj = float(P.W[np.flatnonzero(placed), um[placed]].sum()) + P.const
    outcome = 0.0
    if P.inst.outcome is not None:
        for u in np.flatnonzero(placed):
            outcome += float(P.inst.outcome[P.unit_cases[u], um[u]].sum())
    persons = float(P.A[placed, 0].sum())
    return obj, outcome, persons


def simulate(
    *,
    cases: int = 1500,
    n_batches: int = 26,
    sequences: int = 3,
    samples: int = 4,
    tightness: float = 0.95,
    seed: int = 0,
    hindsight_time: float = 60.0,
    progress=None,
) -> SimulationResult:
    """Compare the four policies on ``sequences`` SYNTHETIC years (same arrivals for all)."""
    from .synthetic import generate_instance

    res = SimulationResult(
        params={
            "cases": cases,
            "batches": n_batches,
            "sequences": sequences,
            "samples": samples,
            "tightness": tightness,
            "seed": seed,
            "synthetic": True,
            "pool": "potentials resample the previous (synthetic) year's cases",
        }
    )
    for s in range(sequences):
        inst = generate_instance(cases, seed=seed * 1000 + s, tightness=tightness)
        P = compile_problem(inst, aggregate=False)
        # the previous year: same generator, other seed, scored on the same municipalities
        prev = generate_instance(cases, seed=seed * 1000 + s + 500, tightness=tightness)
        prev.municipalities = inst.municipalities
        prev.invalidate()
        pool = compile_problem(prev, aggregate=False)
        batches = batches_of(P, n_batches)
        runs: dict[str, PolicyRun] = {}
        for name in ("fcfs", "batch", "potentials"):
            t0 = time.perf_counter()
            rng = np.random.default_rng(np.random.SeedSequence([seed, s, 7]))
            um = _run_policy(P, batches, name, pool, samples, rng)
            obj, out, pers = _score(P, um)
            runs[name] = PolicyRun(obj, out, pers, round(time.perf_counter() - t0, 2))
            if progress:
                progress(f"sequence {s + 1}: {name}", (s + 0.25 * (len(runs))) / sequences)
        t0 = time.perf_counter()
        hs = solve(inst, time_limit=hindsight_time, seed=seed, explain=False)
        runs["hindsight"] = PolicyRun(
            hs.objective,
            hs.components.get("outcome", 0.0),
            hs.stats["placed_persons"],
            round(time.perf_counter() - t0, 2),
        )
        runs["hindsight_bound"] = PolicyRun(hs.bound, float("nan"), float("nan"), 0.0)
        res.sequences.append(runs)
        if progress:
            progress(f"sequence {s + 1}: hindsight", (s + 1) / sequences)
    return res


def simulate_cli(args) -> int:
    from .cli import _progress_bar

    bar, progress = _progress_bar(not args.quiet, "simulating")
    try:
        res = simulate(
            cases=args.cases,
            n_batches=args.batches,
            sequences=args.sequences,
            samples=args.samples,
            tightness=args.tightness,
            seed=args.seed,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    doc = res.to_dict()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1)
    sh = doc["share_of_hindsight"]
    print(
        f"SYNTHETIC years: {args.sequences} x {args.cases} cases in {args.batches} batches",
        file=sys.stderr,
    )
    for name in ("fcfs", "batch", "potentials"):
        print(
            f"{name:>10}: {100 * sh[name]['mean']:.2f} % of the hindsight optimum "
            f"(min {100 * sh[name]['min']:.2f} %, max {100 * sh[name]['max']:.2f} %)"
        )
    return 0
