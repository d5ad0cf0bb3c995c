"""Exact integer programming with reduced-cost fixing (HiGHS MIP, started from the incumbent).

Given any prices (``lam``, ``mu``) the Lagrangian ``L`` bounds every assignment, and an
assignment that uses one unit of class ``k`` in municipality ``m`` is worth at most
``L − best_k + rp[k, m]`` (swap that unit's best option for ``m``). With an incumbent of value
``z``, a pair whose bound is below ``z`` can be in no better assignment, so it is removed
(**reduced-cost fixing**, a proof-preserving reduction). Likewise, if leaving one unit of
class ``k`` unplaced bounds the value below ``z`` (``L − best_k < z``), every unit of ``k``
must be placed. The MIP over the remaining pairs is then solved by HiGHS; its optimum (or its
dual bound at the time limit) together with ``z`` bounds the whole problem:
``bound = min(L, max(z, MIP bound))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .heuristic import Sol, run_milp, start_vector
from .knapsack import KnapsackBound, pair_bounds
from .lp import Bound, _chunks, build_model, reduced_profit
from .problem import Problem

FIX_TOL = 1e-7


@dataclass
class ExactOutcome:
    sol: Sol | None  # better solution found by the MIP (None: the incumbent stands)
    bound: float  # valid upper bound for the whole problem
    optimal: bool  # the MIP finished: bound == best value
    pairs_kept: int
    status: str


def reduced_pairs(
    P: Problem, B: Bound, incumbent: float, knap: KnapsackBound | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (k, m) that may still be in an assignment better than ``incumbent``: by the
    LP's Lagrangian and, if given, by the knapsack Lagrangian too (each alone is a proof)."""
    kb = None if knap is None else pair_bounds(P, knap)
    ks, ms = [], []
    for ch in _chunks(P, np.arange(P.K)):
        rp = reduced_profit(P, B.prices, ch)
        limit = B.value - B.best[ch]
        ok = np.isfinite(rp) & (limit[:, None] + rp >= incumbent - FIX_TOL)
        if kb is not None:
            ok &= kb[ch] >= incumbent - FIX_TOL
        kk, mm = np.nonzero(ok)
        ks.append(ch[kk])
        ms.append(mm)
    return np.concatenate(ks), np.concatenate(ms)


def solve_reduced_mip(
    P: Problem,
    B: Bound,
    incumbent: Sol,
    incumbent_value: float,
    *,
    time_limit: float,
    max_pairs: int = 400_000,
    knap: KnapsackBound | None = None,
) -> ExactOutcome:
    kg, mg = reduced_pairs(P, B, incumbent_value, knap)
    if len(kg) > max_pairs:
        return ExactOutcome(None, B.value, False, len(kg), "too_large")
    if len(kg) == 0 and not P.has_fairness:
        # no pair can improve on the incumbent: it is optimal
        return ExactOutcome(None, incumbent_value, True, 0, "optimal")
    # the incumbent's own pairs always stay (they start the MIP)
    kg = np.concatenate([kg, incumbent.k.astype(np.int64)])
    mg = np.concatenate([mg, incumbent.m.astype(np.int64)])
    uniq = np.unique(kg * P.M + mg)
    kg, mg = uniq // P.M, uniq % P.M
    classes = np.arange(P.K)
    must = B.value - B.best < incumbent_value - FIX_TOL
    mdl = build_model(P, classes, kg, mg, P.cap, P.n.copy())
    # classes that must be placed fully: turn their rows into equalities via a lower bound
    # (added as extra rows -Σ x <= -n_k)
    if must.any():
        import scipy.sparse as sp

        rows = np.flatnonzero(must[kg])
        extra = sp.csr_matrix(
            (-np.ones(len(rows)), (np.searchsorted(np.flatnonzero(must), kg[rows]), rows)),
            shape=(int(must.sum()), len(mdl.c)),
        )
        mdl.A_ub = sp.vstack([mdl.A_ub, extra]).tocsr()
        mdl.b_ub = np.concatenate([mdl.b_ub, -P.n[must]])
    integ = np.zeros(len(mdl.c))
    integ[: mdl.ncol] = 1
    start = start_vector(P, mdl, kg, mg, incumbent)
    res = run_milp(mdl, integ, time_limit, gap=1e-9, start=start)
    mip_bound = None
    if np.isfinite(res.dual_bound):
        mip_bound = -float(res.dual_bound) + P.const
    sol = None
    if res.x is not None:
        x = np.round(res.x[: mdl.ncol])
        cand = Sol(kg[x > 0.5], mg[x > 0.5], x[x > 0.5])
        if P.is_feasible(cand.k, cand.m, cand.cnt):
            val = P.evaluate_sparse(cand.k, cand.m, cand.cnt)
            if val > incumbent_value + 1e-9:
                sol, incumbent_value = cand, val
    optimal = res.status == "optimal"
    if res.status == "infeasible":  # no assignment beats the incumbent
        bound = incumbent_value
        optimal = True
    elif optimal:
        bound = incumbent_value
    elif mip_bound is not None:
        bound = min(B.value, max(incumbent_value, mip_bound))
    else:
        bound = B.value
    return ExactOutcome(sol, bound, optimal, len(kg), res.status)
