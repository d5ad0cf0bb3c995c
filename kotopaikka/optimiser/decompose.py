"""Large instances: prices from samples, a working-set LP, and the certified Lagrangian bound.

When the whole LP is too big to solve in time, the prices come from the LP of a random sample of
the classes (capacities scaled to the sample's share). At those prices every class has a best
option and a margin over its second best. Classes with a large margin are *firm*: they are fixed
at their best option (a municipality or "unplaced"). The others form the *working set*, whose
LP is solved exactly by column generation on the capacity the firm classes leave. Its prices
are evaluated as a Lagrangian over **all** pairs, so the reported bound is valid whatever was
fixed; the firm classes and the rounded working-set LP give the feasible assignment. The
difference is the certified gap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .heuristic import Sol
from .lp import Bound, ColumnLP, LPSolution, lagrangian_bound, solve_lp
from .problem import Problem, subproblem


@dataclass
class LargeLP:
    frac: Sol  # fractional solution: firm classes (integral) + working-set LP
    lagrangian: Bound  # the Lagrangian with the best bound seen (its value is the bound)
    rounds: int
    working_set: int
    lp: LPSolution


def working_set_lp(
    P: Problem,
    *,
    seed: int = 0,
    sample: int = 5000,
    working: int = 12000,
    time_limit: float | None = None,
    verbose: bool = False,
) -> LargeLP:
    t0 = time.perf_counter()
    rng = np.random.default_rng(np.random.SeedSequence([seed, 202]))
    # 1. prices from a sample (itself solved from nested samples)
    cls = np.sort(rng.choice(P.K, min(sample, P.K), replace=False))
    frac_units = float(P.n[cls].sum()) / max(float(P.n.sum()), 1.0)
    sub = subproblem(P, P.A[cls], P.W[cls], P.E[cls], P.cap * frac_units, n=P.n[cls], fit_cap=P.cap)
    start = solve_lp(sub, seed=seed, stop_gap=1e-6, max_rounds=12, fit_cap=P.cap).prices
    B = lagrangian_bound(P, start, want_second=True)
    best = B
    if verbose:
        print(f"  sample LP: bound {B.value:.3f} t {time.perf_counter() - t0:.1f}")
    # 2. working set: the classes with the smallest margins
    margin = np.where(B.best_m >= 0, B.best - B.second, B.second - B.best)
    ws_size = min(working, P.K)
    order = np.argsort(margin, kind="stable")
    in_ws = np.zeros(P.K, dtype=bool)
    in_ws[order[:ws_size]] = True
    firm = (~in_ws) & (B.best_m >= 0)
    fk = np.flatnonzero(firm)
    fm = B.best_m[fk]
    use = P.usage(fk, fm, P.n[fk])
    over = np.any(use > P.cap + 1e-9, axis=1)
    if over.any():  # over-full municipalities: release their least certain firm classes
        rel = np.zeros(len(fk), dtype=bool)  # into the working set until the rest fits
        for m in np.flatnonzero(over):
            idx = np.flatnonzero(fm == m)
            idx = idx[np.argsort(margin[fk[idx]], kind="stable")]
            need = P.A[fk[idx]] * P.n[fk[idx]][:, None]
            excess = use[m] - P.cap[m]
            # release a prefix: the shortest one whose demand covers the excess in every
            # dimension (cumulative sums are non-decreasing)
            covered = np.all(np.cumsum(need, axis=0) >= excess[None, :] - 1e-9, axis=1)
            upto = int(np.argmax(covered)) + 1 if covered.any() else len(idx)
            rel[idx[:upto]] = True
        in_ws[fk[rel]] = True
        fk, fm = fk[~rel], fm[~rel]
        use = P.usage(fk, fm, P.n[fk])
    cap = np.where(np.isfinite(P.cap), np.maximum(P.cap - use, 0.0), np.inf)
    ws = np.flatnonzero(in_ws)
    left = None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - t0))
    lp = ColumnLP(P, ws, cap, start=start, verbose=verbose).solve(time_limit=left, max_rounds=30)
    B2 = lagrangian_bound(P, lp.prices)
    if B2.value < best.value:
        best = B2
    if verbose:
        print(
            f"  working set {len(ws)}: lp {lp.value:.3f} bound {B2.value:.3f} "
            f"t {time.perf_counter() - t0:.1f}"
        )
    frac = Sol.from_parts([Sol(fk, fm, P.n[fk].astype(float)), Sol(lp.k, lp.m, lp.x)])
    return LargeLP(frac, best, lp.rounds, len(ws), lp)
