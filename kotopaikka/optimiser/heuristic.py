"""Primal heuristics: from a fractional LP solution to a feasible assignment.

A class solution is kept sparse: arrays ``(k, m, cnt)`` = ``cnt`` units of class ``k`` in
municipality ``m``.

1. **Families** (every class except persons travelling alone) keep their integral LP parts;
   the fractional ones are placed one by one, largest fractional mass first, where the LP put
   most of them (or another municipality with a small reduced cost) if they fit.
2. **Persons travelling alone** then fill the remaining places *optimally*: with the families
   fixed, their problem is a transportation problem (persons and cases both count 1; an
   unaccompanied minor or an emergency case passes through one extra arc), solved exactly and
   integrally as a min-cost flow with OR-Tools.
3. Optionally a small MIP (HiGHS) re-decides the fractional families together with the
   persons alone (continuous: given integral places their problem is integral), then step 2
   makes their placement integral again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from ortools.graph.python import min_cost_flow

from .lp import Bound, LPSolution, Prices, build_model, reduced_profit
from .model import CASES, EMERGENCY, LARGE, PERSONS, UAM
from .native import load_model, quiet_native_output
from .problem import Problem, fits

#: Largest improvement MIP (columns) HiGHS presolves and solves at the root in seconds.
IMPROVE_MAX_COLUMNS = 40_000

_COST_SCALE = 1e6


@dataclass
class Sol:
    """A sparse class solution."""

    k: np.ndarray
    m: np.ndarray
    cnt: np.ndarray

    @classmethod
    def empty(cls) -> Sol:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z.copy(), np.zeros(0))

    @classmethod
    def from_parts(cls, parts: list[Sol]) -> Sol:
        if not parts:
            return cls.empty()
        k = np.concatenate([p.k for p in parts])
        m = np.concatenate([p.m for p in parts])
        c = np.concatenate([p.cnt for p in parts])
        return cls(k, m, c).merged()

    def merged(self) -> Sol:
        """Sum duplicate (k, m) entries, drop zeros, sort by (k, m)."""
        if len(self.k) == 0:
            return self
        key = self.k.astype(np.int64) * (int(self.m.max()) + 1) + self.m
        uk, inv = np.unique(key, return_inverse=True)
        cnt = np.bincount(inv.ravel(), weights=self.cnt)
        first = np.zeros(len(uk), dtype=np.int64)
        first[inv.ravel()[::-1]] = np.arange(len(key))[::-1]
        keep = cnt > 1e-9
        return Sol(self.k[first][keep], self.m[first][keep], cnt[keep])

    def placed_per_class(self, K: int) -> np.ndarray:
        return np.bincount(self.k, weights=self.cnt, minlength=K)


def flow_classes(P: Problem) -> np.ndarray:
    """Classes the min-cost flow can place exactly: one person, one case, no large dwelling,
    at most one of (unaccompanied-minor place, emergency place)."""
    A = P.A
    return (
        (A[:, PERSONS] == 1)
        & (A[:, CASES] == 1)
        & (A[:, LARGE] == 0)
        & ((A[:, UAM] + A[:, EMERGENCY]) <= 1)
    )


def _floor_cap(v: np.ndarray, big: int) -> np.ndarray:
    return np.where(np.isfinite(v), np.maximum(np.floor(v + 1e-9), 0), big).astype(np.int64)


def fill_singles(
    P: Problem,
    cap: np.ndarray,
    classes: np.ndarray,
    counts: np.ndarray,
    profit: np.ndarray | None = None,
) -> Sol:
    """Place ``counts`` units of the flow ``classes`` optimally into residual ``cap``.

    ``profit`` (len(classes) × M) defaults to ``W``; arcs: every allowed pair that fits.
    """
    if len(classes) == 0:
        return Sol.empty()
    M = P.M
    S = len(classes)
    prof = P.W[classes] if profit is None else profit
    ok = P.E[classes]
    ok = ok & (cap[None, :, PERSONS] >= 1 - 1e-9) & (cap[None, :, CASES] >= 1 - 1e-9)
    uam = P.A[classes, UAM] > 0
    em = P.A[classes, EMERGENCY] > 0
    ok &= ~(uam[:, None] & (cap[None, :, UAM] < 1 - 1e-9))
    ok &= ~(em[:, None] & (cap[None, :, EMERGENCY] < 1 - 1e-9))
    ok &= prof > 0  # never place at a loss (unplaced is worth 0)
    kk, mm = np.nonzero(ok)
    if len(kk) == 0:
        return Sol.empty()
    total = int(counts.sum())
    big = total + 1
    # nodes: classes [0, S) with their units as supply; municipality m: S+m; its UAM gate
    # S+M+m and emergency gate S+2M+m; the sink S+3M. A class's arc straight to the sink
    # (cost 0) is "unplaced".
    sink = S + 3 * M
    head = np.where(uam[kk], S + M + mm, np.where(em[kk], S + 2 * M + mm, S + mm))
    tails = [kk, np.arange(S), S + M + np.arange(M), S + 2 * M + np.arange(M), S + np.arange(M)]
    heads = [head, np.full(S, sink), S + np.arange(M), S + np.arange(M), np.full(M, sink)]
    pc = np.minimum(_floor_cap(cap[:, PERSONS], big), _floor_cap(cap[:, CASES], big))
    caps = [
        counts[kk].astype(np.int64),
        counts.astype(np.int64),
        _floor_cap(cap[:, UAM], big),
        _floor_cap(cap[:, EMERGENCY], big),
        pc,
    ]
    costs = [
        -np.round(prof[kk, mm] * _COST_SCALE).astype(np.int64),
        np.zeros(S, np.int64),
        np.zeros(M, np.int64),
        np.zeros(M, np.int64),
        np.zeros(M, np.int64),
    ]
    f = min_cost_flow.SimpleMinCostFlow()
    arcs = f.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(costs)
    )
    supply = np.zeros(sink + 1, dtype=np.int64)
    supply[:S] = counts.astype(np.int64)
    supply[sink] = -total
    f.set_nodes_supplies(np.arange(sink + 1), supply)
    status = f.solve()
    if status != f.OPTIMAL:
        raise RuntimeError(f"min cost flow failed: {status}")
    flows = f.flows(arcs[: len(kk)])
    pos = flows > 0
    return Sol(classes[kk[pos]], mm[pos], flows[pos].astype(float))


def residual(P: Problem, sol: Sol) -> np.ndarray:
    return P.cap - P.usage(sol.k, sol.m, sol.cnt)


def round_lp(
    P: Problem,
    frac: Sol,
    prices: Prices,
    *,
    rc_limit: float = 0.2,
) -> Sol:
    """Families: integral parts kept, fractional ones placed greedily; singles by flow.

    ``frac`` is a fractional class solution (e.g. an LP's).
    """
    K, M = P.K, P.M
    single = flow_classes(P)
    fl = np.floor(frac.cnt + 1e-7)
    fam = ~single[frac.k]
    keep = fam & (fl > 0)
    base = Sol(frac.k[keep], frac.m[keep], fl[keep])
    cap = residual(P, base)
    if np.any(cap < -1e-6):
        raise AssertionError("integral LP parts exceed capacity")
    # fractional remainder of the families
    rest = frac.cnt - fl
    fk, fm, fr = frac.k[fam & (rest > 1e-7)], frac.m[fam & (rest > 1e-7)], rest[fam & (rest > 1e-7)]
    placed_extra: list[tuple[int, int]] = []
    if len(fk):
        mass = np.bincount(fk, weights=fr * P.A[fk, PERSONS], minlength=K)
        order = np.unique(fk)
        order = order[np.lexsort((order, -mass[order]))]
        taken = base.placed_per_class(K)
        for k in order:
            left = round(P.n[k] - taken[k])
            if left <= 0:
                continue
            rp = reduced_profit(P, prices, np.array([k]), cap)[0]
            u = max(0.0, float(np.max(rp))) if np.isfinite(rp).any() else 0.0
            lp_mass = np.zeros(M)
            sel = fk == k
            np.add.at(lp_mass, fm[sel], fr[sel])
            wants = int(np.ceil(lp_mass.sum() - 1e-7))
            cand = np.flatnonzero(np.isfinite(rp) & ((lp_mass > 1e-7) | (u - rp <= rc_limit)))
            cand = cand[np.lexsort((cand, -rp[cand], -lp_mass[cand]))]
            for m in cand:
                if wants <= 0 or left <= 0:
                    break
                if np.all(P.A[k] <= cap[m] + 1e-9) and P.W[k, m] > 0:
                    placed_extra.append((k, int(m)))
                    cap[m] -= P.A[k]
                    left -= 1
                    wants -= 1
    extra = (
        Sol(
            np.array([a for a, _ in placed_extra]),
            np.array([b for _, b in placed_extra]),
            np.ones(len(placed_extra)),
        )
        if placed_extra
        else Sol.empty()
    )
    families = Sol.from_parts([base, extra])
    return complete_with_singles(P, families, prices)


def complete_with_singles(P: Problem, families: Sol, prices: Prices | None = None) -> Sol:
    """Keep ``families`` (whatever they contain of flow classes is dropped and re-placed) and
    place all flow classes optimally into the remaining capacity."""
    single = flow_classes(P)
    keep = ~single[families.k]
    fam = Sol(families.k[keep], families.m[keep], families.cnt[keep])
    cap = residual(P, fam)
    sk = np.flatnonzero(single)
    profit = None
    if prices is not None and P.has_fairness:
        # fairness is not separable: steer the persons alone with the LP's regional prices
        from .lp import fairness_adjustment

        adj = fairness_adjustment(P, prices.mu)
        if adj is not None:
            profit = P.W[sk] + adj[None, :]
    singles = fill_singles(P, cap, sk, P.n[sk], profit)
    return Sol.from_parts([fam, singles])


def fill_remaining(P: Problem, sol: Sol) -> Sol:
    """Place still-unplaced units greedily wherever they fit with positive value."""
    cap = residual(P, sol)
    left = P.n - sol.placed_per_class(P.K)
    add_k, add_m = [], []
    for k in np.flatnonzero(left > 0.5)[np.argsort(-P.W.max(axis=1)[left > 0.5], kind="stable")]:
        for _ in range(round(left[k])):
            fits = P.E[k] & np.all(P.A[k][None, :] <= cap + 1e-9, axis=1) & (P.W[k] > 0)
            if not fits.any():
                break
            m = int(np.argmax(np.where(fits, P.W[k], -np.inf)))
            cap[m] -= P.A[k]
            add_k.append(k)
            add_m.append(m)
    if not add_k:
        return sol
    return Sol.from_parts([sol, Sol(np.array(add_k), np.array(add_m), np.ones(len(add_k)))])


def improve_with_mip(
    P: Problem,
    lp: LPSolution,
    B: Bound,
    *,
    time_limit: float,
    rc_family: float = 0.05,
    rc_single: float = 0.005,
    start: Sol | None = None,
    max_columns: int = IMPROVE_MAX_COLUMNS,
) -> Sol | None:
    """Re-decide fractional families (integer) with the persons alone (continuous) by MIP.

    Families whose LP value is integral stay fixed. Columns: the LP's, plus pairs whose reduced
    cost under the Lagrangian ``B`` (its prices; ``B.best`` is each class's value) is at most
    ``rc_family`` / ``rc_single``. ``start`` (e.g. the rounded LP) starts the
    MIP, so the result is never worse than it. Returns ``None`` if the MIP found nothing.
    At most ``max_columns`` columns (those of the LP and the start, then the lowest reduced
    costs), and ``None`` if the LP's and the start's alone are more: on larger models HiGHS's
    presolve and root LP overran every time limit we gave them (134 s for a 45 s limit on
    344,264 columns, without finding anything).
    """
    t0 = time.perf_counter()
    single = flow_classes(P)
    frac = Sol(lp.k, lp.m, lp.x)
    integral = np.abs(frac.cnt - np.round(frac.cnt)) < 1e-7
    per_class_frac = np.bincount(frac.k, weights=~integral, minlength=P.K) > 0
    fixed_mask = (~single[frac.k]) & ~per_class_frac[frac.k]
    fixed = Sol(frac.k[fixed_mask], frac.m[fixed_mask], np.round(frac.cnt[fixed_mask]))
    cap = residual(P, fixed)
    is_fixed = np.zeros(P.K, dtype=bool)
    is_fixed[fixed.k] = True
    left_all = P.n - fixed.placed_per_class(P.K)
    free = np.flatnonzero((~is_fixed | single) & (left_all > 0.5))
    if len(free) == 0:
        return None
    loc = np.full(P.K, -1)  # row of each free class
    loc[free] = np.arange(len(free))
    lp_cols = np.zeros((len(free), P.M), dtype=bool)
    hit = loc[frac.k] >= 0
    lp_cols[loc[frac.k[hit]], frac.m[hit]] = True
    start_cols = np.zeros_like(lp_cols)
    start_part = None
    if start is not None:  # the start's decisions on the free classes (the rest is fixed)
        hit = loc[start.k] >= 0
        start_cols[loc[start.k[hit]], start.m[hit]] = True
        start_part = Sol(start.k[hit], start.m[hit], start.cnt[hit])
    must = lp_cols | start_cols
    if must.sum() > max_columns:  # HiGHS would not even finish its root LP in time (checked
        return None  # before the reduced costs: at 30,000 cases those are 66 MB for nothing)
    rp = reduced_profit(P, B.prices, free, cap)
    rc = B.best[free][:, None] - rp
    lim = np.where(single[free], rc_single, rc_family)[:, None]
    ok = (np.isfinite(rp) & ((rc <= lim) | lp_cols) & (P.W[free] > 0)) | start_cols
    if ok.sum() > max_columns:  # keep the pairs with the lowest reduced costs
        cand = np.flatnonzero(ok & ~must)
        room = max_columns - int(must.sum())
        drop = cand[np.argsort(rc.ravel()[cand], kind="stable")[room:]]
        ok.ravel()[drop] = False
    ki, mi = np.nonzero(ok)
    kg = free[ki]
    nc = len(kg)
    if nc == 0:
        return None
    remaining = time_limit - (time.perf_counter() - t0)
    if remaining < 0.2:
        return None
    mdl = build_model(P, free, ki, mi, cap, left_all[free])
    integ = np.zeros(len(mdl.c))
    integ[:nc] = ~single[kg]
    x0 = None if start_part is None else start_vector(P, mdl, kg, mi, start_part)
    res = run_milp(mdl, integ, remaining, start=x0)
    if res.x is None:
        return None
    x = res.x[:nc]
    fam_col = ~single[kg]
    xf = np.where(fam_col, np.round(x), 0.0)
    families = Sol.from_parts([fixed, Sol(kg[xf > 0.5], mi[xf > 0.5], xf[xf > 0.5])])
    return complete_with_singles(P, families, B.prices)


@dataclass
class MilpResult:
    """What HiGHS's MIP returned, for the minimisation model (``c @ x``) it was given."""

    x: np.ndarray | None  # all variables (None: no feasible solution found)
    objective: float | None  # c @ x (None without a solution)
    dual_bound: float  # HiGHS's lower bound on c @ x (may be infinite)
    status: Literal["optimal", "limit", "infeasible"]  # limit: a time or other limit


def run_milp(
    mdl,
    integrality: np.ndarray,
    time_limit: float,
    *,
    gap: float = 1e-7,
    start: np.ndarray | None = None,
) -> MilpResult:
    """HiGHS's MIP (highspy) on a :class:`~kotopaikka.optimiser.lp.ModelArrays` model.

    ``start`` is a feasible solution (all variables) HiGHS starts from, so the result is never
    worse than it.
    """
    import highspy

    h = load_model(mdl, integrality=integrality)
    h.setOptionValue("time_limit", max(0.1, time_limit))
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("random_seed", 0)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(map(float, start))
        sol.value_valid = True
        h.setSolution(sol)
    with quiet_native_output():
        h.run()
    model_status = h.getModelStatus()
    info = h.getInfo()
    S = highspy.HighsModelStatus
    status = (
        "optimal"
        if model_status == S.kOptimal
        else ("infeasible" if model_status == S.kInfeasible else "limit")
    )
    has_x = info.primal_solution_status == 2  # feasible
    return MilpResult(
        x=np.asarray(h.getSolution().col_value) if has_x else None,
        objective=info.objective_function_value if has_x else None,
        dual_bound=info.mip_dual_bound,
        status=status,
    )


def start_vector(P: Problem, mdl, col_k: np.ndarray, col_m: np.ndarray, sol: Sol) -> np.ndarray:
    """All variables of ``mdl`` (columns ``col_k``/``col_m``, global classes) at the solution
    ``sol``: a MIP start. Pairs of ``sol`` without a column are left out (HiGHS then repairs or
    rejects the start; it never trusts an infeasible one)."""
    x = np.zeros(len(mdl.c))
    key = col_k.astype(np.int64) * P.M + col_m
    order = np.argsort(key, kind="stable")
    want = sol.k.astype(np.int64) * P.M + sol.m
    pos = np.searchsorted(key[order], want)
    ok = pos < len(key)
    ok[ok] = key[order][pos[ok]] == want[ok]
    x[order[pos[ok]]] = sol.cnt[ok]
    if mdl.fair is not None:
        persons = np.bincount(col_m, weights=x[: mdl.ncol] * P.A[col_k, 0], minlength=P.M)
        mdl.fair.fill(x, P, persons)
    return x


def improve_in_municipalities(
    P: Problem,
    sol: Sol,
    munis: np.ndarray,
    *,
    time_limit: float,
    prices: Prices | None = None,
    max_columns: int = IMPROVE_MAX_COLUMNS,
) -> Sol | None:
    """A neighbourhood of ``sol``: re-decide by MIP everything placed in the municipalities
    ``munis`` together with every unplaced unit, over the pairs into ``munis``; the rest stays.

    Families are integer, persons alone continuous in the MIP (their placement is then made
    integral, over all municipalities, by the min-cost flow). The MIP starts from ``sol``'s
    own choices, so the returned solution is never worse than ``sol``; ``None`` if there is
    nothing to re-decide, the model has more than ``max_columns`` columns or HiGHS found
    nothing. Not for the fairness term (the neighbourhood does not see the other regions).
    """
    if P.has_fairness or len(munis) == 0:
        return None
    t0 = time.perf_counter()
    single = flow_classes(P)
    in_s = np.zeros(P.M, dtype=bool)
    in_s[munis] = True
    inside = in_s[sol.m]
    kept = Sol(sol.k[~inside], sol.m[~inside], sol.cnt[~inside])
    free_n = P.n - kept.placed_per_class(P.K)  # units placed in ``munis`` or unplaced
    free = np.flatnonzero(free_n > 0.5)
    if len(free) == 0:
        return None
    cap = P.cap[munis]
    ok = P.E[np.ix_(free, munis)] & (P.W[np.ix_(free, munis)] > 0) & fits(P.A[free], cap)
    if ok.sum() > max_columns:
        return None
    ki, mi_loc = np.nonzero(ok)
    if len(ki) == 0:
        return None
    # a sub-problem over ``munis`` only: its columns are (free class, local municipality)
    sub = Problem(
        inst=P.inst,
        unit_cases=[],
        unit_class=np.zeros(0, dtype=np.int64),
        locked={},
        n=free_n[free],
        A=P.A[free],
        W=P.W[np.ix_(free, munis)],
        E=ok,
        cap=cap,
        const=0.0,
        region=P.region[munis],
        target=P.target,
        rho=0.0,
        locked_region_persons=np.zeros(len(P.target)),
        locked_persons=0.0,
    )
    mdl = build_model(sub, np.arange(len(free)), ki, mi_loc, cap, free_n[free])
    integ = np.zeros(len(mdl.c))
    integ[: mdl.ncol] = ~single[free[ki]]
    loc = np.full(P.K, -1)
    loc[free] = np.arange(len(free))
    loc_m = np.full(P.M, -1)
    loc_m[munis] = np.arange(len(munis))
    part = Sol(loc[sol.k[inside]], loc_m[sol.m[inside]], sol.cnt[inside])
    x0 = start_vector(sub, mdl, ki, mi_loc, part)
    remaining = time_limit - (time.perf_counter() - t0)
    if remaining < 0.2:
        return None
    res = run_milp(mdl, integ, remaining, start=x0)
    if res.x is None:
        return None
    x = np.where(integ[: mdl.ncol] > 0, np.round(res.x[: mdl.ncol]), 0.0)
    chosen = x > 0.5
    families = Sol.from_parts([kept, Sol(free[ki[chosen]], munis[mi_loc[chosen]], x[chosen])])
    return complete_with_singles(P, families, prices)
