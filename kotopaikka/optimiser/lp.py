"""LP relaxation by column generation, and the Lagrangian bound that certifies every result.

**The bound.** For any prices ``lam[m, d] ≥ 0`` on the capacities and any ``mu[r]`` in
``[-rho, rho]`` on the regional deviations, every feasible assignment ``x`` has value at most

    L(lam, mu) = const + Σ_k n_k · max(0, max_m rp[k, m]) + Σ_{m,d} cap[m, d] · lam[m, d]
                 + Σ_r mu_r · (locked persons in r − t_r · all locked persons)

with the *reduced profit* ``rp[k, m] = W[k, m] + s_k (mu_{r(m)} − Σ_r mu_r t_r) − A[k] · lam[m]``
over the allowed pairs. (Relax the capacity constraints with ``lam`` and bound the fairness
penalty ``−rho |z_r| ≤ mu_r z_r``; what is left separates by class.) ``lagrangian_bound``
evaluates it over **all** pairs in chunks, so the bound never depends on which columns a solver
looked at. With the duals of an optimal LP it equals the LP optimum.

**The LP.** ``ColumnLP`` solves the LP relaxation over a growing set of columns with HiGHS
(highspy; the model lives on between rounds: interior point for the first solve and for rounds
that add many columns, warm-started simplex for the others) and prices all pairs of its classes
after each solve (full pricing), stopping when no column has positive reduced cost: then the LP
optimum over all pairs is proven.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .native import load_model, quiet_native_output, stacked_rows
from .problem import Problem, fits

PRICE_TOL = 1e-7
CROSSOVER_MAX_COLUMNS = 80_000
#: A round that adds more than this share of columns is solved from scratch (interior point).
IPM_WHEN_ADDED = 0.25


class LPTimeout(RuntimeError):
    """HiGHS stopped (time limit) without an optimal restricted LP."""


_CHUNK_CELLS = 4_000_000  # reduced-profit cells per chunk (~32 MB of float64)


@dataclass
class Prices:
    lam: np.ndarray  # (M, D) ≥ 0
    mu: np.ndarray  # (R,) in [-rho, rho]

    @classmethod
    def zero(cls, P: Problem) -> Prices:
        return cls(np.zeros((P.M, P.A.shape[1])), np.zeros(len(P.target)))

    def clipped(self, P: Problem) -> Prices:
        lam = np.where(np.isfinite(P.cap), np.maximum(self.lam, 0.0), 0.0)
        mu = np.clip(self.mu, -P.rho, P.rho) if P.has_fairness else np.zeros(len(P.target))
        return Prices(lam, mu)


def fairness_adjustment(P: Problem, mu: np.ndarray) -> np.ndarray | None:
    """Per-person adjustment of each municipality, mu_{r(m)} − Σ mu_r t_r (None if no term)."""
    if not P.has_fairness or not np.any(mu):
        return None
    per_m = np.where(P.region >= 0, mu[np.maximum(P.region, 0)], 0.0)
    return per_m - float(mu @ P.target)


def reduced_profit(
    P: Problem, prices: Prices, rows: np.ndarray | slice, cap: np.ndarray | None = None
) -> np.ndarray:
    """rp[k, m] for the given classes; -inf where not allowed."""
    W = P.W[rows]
    A = P.A[rows]
    lam = prices.lam
    rp = W - A @ lam.T
    adj = fairness_adjustment(P, prices.mu)
    if adj is not None:
        rp += A[:, 0:1] * adj[None, :]
    rp[~P.E[rows]] = -np.inf
    if cap is not None:  # pairs that cannot fit the given (residual) capacity
        rp[~fits(A, cap)] = -np.inf
    return rp


def _chunks(P: Problem, idx: np.ndarray):
    step = max(1, _CHUNK_CELLS // max(P.M, 1))
    for s in range(0, len(idx), step):
        yield idx[s : s + step]


@dataclass
class Bound:
    value: float
    best: np.ndarray  # (K,) max(0, max_m rp)
    best_m: np.ndarray  # (K,) argmax (-1 if unplaced is best)
    second: np.ndarray  # (K,) second best (including 0 for "unplaced")
    prices: Prices


def lagrangian_bound(P: Problem, prices: Prices, *, want_second: bool = False) -> Bound:
    """L(lam, mu) over all pairs (a valid upper bound on every feasible assignment)."""
    prices = prices.clipped(P)
    K = P.K
    best = np.zeros(K)
    best_m = np.full(K, -1, dtype=np.int64)
    second = np.zeros(K)
    for ch in _chunks(P, np.arange(K)):
        rp = reduced_profit(P, prices, ch)
        if rp.shape[1] == 0:
            continue
        j = np.argmax(rp, axis=1)
        v = rp[np.arange(len(ch)), j]
        pos = v > 0
        best[ch] = np.where(pos, v, 0.0)
        best_m[ch] = np.where(pos, j, -1)
        if want_second:
            rp[np.arange(len(ch)), j] = -np.inf
            v2 = rp.max(axis=1)
            # second option: the other of (best municipality, unplaced), or the runner-up
            second[ch] = np.where(pos, np.maximum(v2, 0.0), np.maximum(v, v2))
    finite = np.isfinite(P.cap)
    val = P.const + float(P.n @ best) + float((P.cap[finite] * prices.lam[finite]).sum())
    if P.has_fairness:
        val += float(prices.mu @ P.locked_deviation)
    return Bound(val, best, best_m, second, prices)


# ----------------------------------------------------------------------------- the LP


@dataclass
class LPSolution:
    value: float  # LP optimum over the columns (plus const)
    k: np.ndarray  # column class (global index)
    m: np.ndarray  # column municipality
    x: np.ndarray  # column value
    u: np.ndarray  # (len(classes),) class-row duals
    prices: Prices
    proven: bool  # no column of these classes has positive reduced cost
    rounds: int
    columns: int
    bound: float = math.inf  # best Lagrangian bound seen (only for the whole problem)
    bound_prices: Prices | None = None


@dataclass(frozen=True)
class FairnessLayout:
    """Where :func:`build_model` puts the fairness variables and rows (the one definition).

    Columns, after the ``ncol`` assignment columns: the persons placed in each target region
    (free), all persons placed (free), the absolute deviation of each region (≥ 0, cost rho).
    Rows, from ``first_row`` on (after the class and capacity rows): ``R`` rows
    ``P_r − t_r T − dev_r ≤ −z_r``, then ``R`` rows ``−(P_r − t_r T) − dev_r ≤ z_r``, where
    ``z_r`` is region r's deviation from the locked persons alone.
    """

    ncol: int
    R: int
    first_row: int

    @property
    def region(self) -> np.ndarray:
        return self.ncol + np.arange(self.R)

    @property
    def total(self) -> int:
        return self.ncol + self.R

    @property
    def deviation(self) -> np.ndarray:
        return self.ncol + self.R + 1 + np.arange(self.R)

    @property
    def columns(self) -> int:
        return 2 * self.R + 1

    @property
    def above_rows(self) -> slice:
        """The rows that bound the deviation above the target."""
        return slice(self.first_row, self.first_row + self.R)

    @property
    def below_rows(self) -> slice:
        """The rows that bound the deviation below the target."""
        return slice(self.first_row + self.R, self.first_row + 2 * self.R)

    def fill(self, x: np.ndarray, P: Problem, persons_m: np.ndarray) -> None:
        """Set the fairness variables of ``x`` to their values when ``persons_m`` persons
        (locked ones not counted) go to each municipality."""
        region_persons = P.region_persons(persons_m)
        total = persons_m.sum()
        x[self.region] = region_persons
        x[self.total] = total
        x[self.deviation] = np.abs(region_persons - P.target * total + P.locked_deviation)


@dataclass
class ModelArrays:
    """A restricted LP/MIP in array form (minimisation of ``c @ x``)."""

    c: np.ndarray
    A_ub: sp.csr_matrix
    b_ub: np.ndarray
    A_eq: sp.csr_matrix | None
    b_eq: np.ndarray | None
    lb: np.ndarray
    ub: np.ndarray
    nk: int  # class rows
    ncap: int  # capacity rows
    act: np.ndarray  # (M, D) which capacities have a row
    ncol: int  # assignment columns (the first ncol variables)
    fair: FairnessLayout | None = None  # the fairness variables and rows, if the term is on


def build_model(
    P: Problem,
    classes: np.ndarray,
    col_k: np.ndarray,
    col_m: np.ndarray,
    cap: np.ndarray,
    class_ub: np.ndarray,
) -> ModelArrays:
    """Rows: per class Σ_m x ≤ class_ub; per finite capacity Σ A x ≤ cap; with fairness the
    deviation rows. ``col_k`` indexes ``classes``. Columns: x (≥ 0, ≤ n_k), then with fairness
    the variables of :class:`FairnessLayout` (``ModelArrays.fair``)."""
    kg = classes[col_k]
    ncol = len(kg)
    nk = len(classes)
    A = P.A[kg]
    D = P.A.shape[1]
    finite = np.isfinite(cap)
    demand_any = (P.A[classes] > 0).any(axis=0)
    rowmap = np.full((P.M, D), -1, dtype=np.int64)
    act = finite & demand_any[None, :]
    rowmap[act] = np.arange(int(act.sum()))
    ncap = int(act.sum())
    rows_i, cols_i, vals = [col_k], [np.arange(ncol)], [np.ones(ncol)]
    for d in range(D):
        r = rowmap[col_m, d]
        ok = (r >= 0) & (A[:, d] > 0)
        rows_i.append(nk + r[ok])
        cols_i.append(np.flatnonzero(ok))
        vals.append(A[ok, d])
    nfair = 0
    R = len(P.target)
    fair = FairnessLayout(ncol, R, nk + ncap) if P.has_fairness else None
    nx = ncol + (fair.columns if fair else 0)
    c = np.concatenate([-P.W[kg, col_m], np.zeros(nx - ncol)])
    b_ub = np.concatenate([class_ub, np.maximum(cap[act], 0.0)])
    lb = np.zeros(nx)
    ub = np.concatenate([P.n[kg], np.full(nx - ncol, np.inf)])
    A_eq = b_eq = None
    if fair:
        c[fair.deviation] = P.rho
        s = A[:, 0]
        reg = P.region[col_m]
        has = reg >= 0
        # equality rows: P_r - Σ s x (over columns in r) = 0 ; T - Σ s x = 0
        er = np.concatenate([reg[has], np.full(ncol, R), np.arange(R), [R]])
        ec = np.concatenate([np.flatnonzero(has), np.arange(ncol), fair.region, [fair.total]])
        ev = np.concatenate([-s[has], -s, np.ones(R), [1.0]])
        A_eq = sp.csr_matrix((ev, (er, ec)), shape=(R + 1, nx))
        b_eq = np.zeros(R + 1)
        # deviation rows: ±(P_r - t_r T) - dev_r <= ∓(lrp_r - t_r lp)
        zr = P.locked_deviation
        for sign, rows in ((1.0, fair.above_rows), (-1.0, fair.below_rows)):
            rows_i.append(np.repeat(np.arange(rows.start, rows.stop), 3))
            cols_i.append(
                np.column_stack([fair.region, np.full(R, fair.total), fair.deviation]).ravel()
            )
            vals.append(
                np.column_stack([np.full(R, sign), -sign * P.target, np.full(R, -1.0)]).ravel()
            )
        b_ub = np.concatenate([b_ub, -zr, zr])
        nfair = 2 * R
        lb[fair.region] = -np.inf
        lb[fair.total] = -np.inf
    A_ub = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(cols_i))),
        shape=(nk + ncap + nfair, nx),
    )
    return ModelArrays(c, A_ub, b_ub, A_eq, b_eq, lb, ub, nk, ncap, act, ncol, fair)


class ColumnLP:
    """LP relaxation over ``classes`` (global class indices) with residual capacity ``cap``."""

    def __init__(
        self,
        P: Problem,
        classes: np.ndarray | None = None,
        cap: np.ndarray | None = None,
        *,
        start: Prices | None = None,
        fit_cap: np.ndarray | None = None,
        first_columns: int = 8,
        add_per_round: int = 3,
        verbose: bool = False,
    ):
        self.verbose = verbose
        self.P = P
        self.classes = np.arange(P.K) if classes is None else np.asarray(classes)
        self.cap = P.cap if cap is None else cap
        # capacity for the static fit test (a sample LP scales ``cap`` but not the fit)
        self.fit_cap = self.cap if fit_cap is None else fit_cap
        self.start = (start or Prices.zero(P)).clipped(P)
        self.first_columns = first_columns
        self.add_per_round = add_per_round
        n = len(self.classes)
        self.inset = np.zeros((n, P.M), dtype=bool)
        self.col_k = np.zeros(0, dtype=np.int64)  # local class index
        self.col_m = np.zeros(0, dtype=np.int64)
        self._h = None  # the HiGHS model, kept between rounds (warm start)
        self._in_highs = 0  # columns already in it
        self._hcol = np.zeros(0, dtype=np.int64)  # HiGHS column of each x column
        self._seed_columns()

    # -------------------------------------------------------------- columns
    def _add(self, k_loc: np.ndarray, m: np.ndarray) -> int:
        new = ~self.inset[k_loc, m]
        k_loc, m = k_loc[new], m[new]
        if len(k_loc):
            # duplicates inside one batch
            key = np.unique(k_loc * self.P.M + m)
            k_loc, m = key // self.P.M, key % self.P.M
            self.inset[k_loc, m] = True
            self.col_k = np.concatenate([self.col_k, k_loc])
            self.col_m = np.concatenate([self.col_m, m])
        return len(k_loc)

    def _per_muni_quota(self, factor: float) -> np.ndarray:
        """How many classes each municipality should see: enough to fill its persons places."""
        P = self.P
        sizes = P.A[self.classes, 0]
        mean = float((sizes * P.n[self.classes]).sum() / max(P.n[self.classes].sum(), 1))
        cap = np.where(np.isfinite(self.cap[:, 0]), self.cap[:, 0], sizes.sum())
        r = np.ceil(factor * cap / max(mean, 1.0)) + 2
        return np.minimum(r, len(self.classes)).astype(np.int64)

    def _select(self, score_of_chunk, per_class: int, per_muni: np.ndarray, thresh: float) -> int:
        """Add, for every class, its ``per_class`` best columns and, for every municipality,
        its ``per_muni[m]`` best classes (scores above ``thresh``). Returns the number added."""
        P = self.P
        rmax = int(per_muni.max()) if len(per_muni) else 0
        best_v = np.full((0, P.M), -np.inf)
        best_k = np.zeros((0, P.M), dtype=np.int64)
        added = 0
        for ch_loc in _chunks(P, np.arange(len(self.classes))):
            sc = score_of_chunk(ch_loc)
            if sc.size == 0:
                continue
            if per_class > 0:
                top = _top_q(sc, min(per_class, P.M))
                rows = np.repeat(np.arange(len(ch_loc)), top.shape[1])
                cols = top.ravel()
                ok = sc[rows, cols] > thresh
                added += self._add(ch_loc[rows[ok]], cols[ok])
            if rmax > 0:
                r = min(rmax, len(ch_loc))
                idx = (
                    np.argpartition(-sc, r - 1, axis=0)[:r]
                    if r < len(ch_loc)
                    else (np.tile(np.arange(len(ch_loc))[:, None], (1, P.M)))
                )
                vals = np.take_along_axis(sc, idx, axis=0)
                best_v = np.concatenate([best_v, vals])
                best_k = np.concatenate([best_k, ch_loc[idx]])
                if len(best_v) > rmax:
                    keep = np.argpartition(-best_v, rmax - 1, axis=0)[:rmax]
                    best_v = np.take_along_axis(best_v, keep, axis=0)
                    best_k = np.take_along_axis(best_k, keep, axis=0)
        if rmax > 0 and len(best_v):
            order = np.argsort(-best_v, axis=0, kind="stable")
            rank = np.empty_like(order)
            np.put_along_axis(rank, order, np.arange(len(best_v))[:, None], axis=0)
            ok = (best_v > thresh) & (rank < per_muni[None, :])
            kk, mm = best_k[ok], np.nonzero(ok)[1]
            added += self._add(kk, mm)
        return added

    def _seed_columns(self) -> None:
        def score(ch_loc):
            return reduced_profit(self.P, self.start, self.classes[ch_loc], self.fit_cap)

        self._select(score, self.first_columns, self._per_muni_quota(3.0), -np.inf)

    def _price(self, prices: Prices, u: np.ndarray) -> tuple[int, float, float]:
        """Add violated columns. Returns (number added, max violation, Lagrangian value of
        these classes and capacities at ``prices``)."""
        worst = [0.0]
        best_sum = [0.0]
        P = self.P

        def score(ch_loc):
            rp = reduced_profit(P, prices, self.classes[ch_loc], self.fit_cap)
            if rp.shape[1]:
                best_sum[0] += float(P.n[self.classes[ch_loc]] @ np.maximum(rp.max(axis=1), 0))
            viol = rp - u[ch_loc][:, None]
            viol[self.inset[ch_loc]] = -np.inf
            if viol.size:
                worst[0] = max(worst[0], float(viol.max()))
            return viol

        added = self._select(score, self.add_per_round, self._per_muni_quota(1.0), PRICE_TOL)
        finite = np.isfinite(self.cap)
        lag = P.const + best_sum[0] + float((self.cap[finite] * prices.lam[finite]).sum())
        if P.has_fairness:
            lag += float(prices.mu @ P.locked_deviation)
        return added, worst[0], lag

    # -------------------------------------------------------------- the LP model
    def _solve_restricted(self, time_limit: float | None):
        """Solve the restricted LP with HiGHS: the model lives on between rounds and only the
        columns priced in since the last round are added. A round that adds at most
        :data:`IPM_WHEN_ADDED` of the columns continues from the last basis (simplex, a few
        iterations); larger additions, and models above :data:`CROSSOVER_MAX_COLUMNS`
        columns, are solved by the interior point method.
        Returns (the values of the x columns, the objective ``c @ x`` of the restricted LP,
        class-row duals, prices)."""
        P = self.P
        nk, R, D = len(self.classes), len(P.target), P.A.shape[1]
        have = self._in_highs
        mdl = build_model(
            P, self.classes, self.col_k[have:], self.col_m[have:], self.cap, P.n[self.classes]
        )
        if self._h is None:
            if len(mdl.c) == 0:  # nothing can be placed: the LP is empty
                return np.zeros(0), 0.0, np.zeros(nk), Prices(np.zeros((P.M, D)), np.zeros(R))
            ub = mdl.ub.copy()
            ub[: mdl.ncol] = np.inf  # x <= n_k is implied by the class row; keep duals on rows
            self._h = load_model(mdl, col_upper=ub)
            self._hcol = np.arange(mdl.ncol)
        elif mdl.ncol:
            cols = stacked_rows(mdl)[0][:, : mdl.ncol].tocsc()
            first = self._h.getNumCol()
            self._h.addCols(
                mdl.ncol,
                mdl.c[: mdl.ncol],
                np.zeros(mdl.ncol),
                np.full(mdl.ncol, np.inf),
                cols.nnz,
                cols.indptr[:-1].astype(np.int32),
                cols.indices.astype(np.int32),
                cols.data,
            )
            self._hcol = np.concatenate([self._hcol, first + np.arange(mdl.ncol)])
        self._in_highs = len(self.col_k)
        h = self._h
        h.setOptionValue("time_limit", 1e9 if time_limit is None else max(1.0, time_limit))
        # from scratch, the interior point method (with crossover, for a basis) is fastest;
        # after a few columns are added, the simplex method continues from the last basis
        many = len(self.col_k) - have > IPM_WHEN_ADDED * max(have, 1)
        # very large LPs: no crossover (it can cost more than the interior point solve);
        # without a basis every round is an interior point solve
        big = len(self.col_k) > CROSSOVER_MAX_COLUMNS
        h.setOptionValue("solver", "ipm" if many or big else "simplex")
        h.setOptionValue("run_crossover", "off" if big else "on")
        with quiet_native_output():
            h.run()
        import highspy

        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise LPTimeout(h.modelStatusToString(h.getModelStatus()))
        sol = h.getSolution()
        col = np.asarray(sol.col_value)
        y = -np.asarray(sol.row_dual)[: mdl.A_ub.shape[0]]
        u = np.maximum(y[:nk], 0.0)
        lam = np.zeros((P.M, D))
        lam[mdl.act] = np.maximum(y[nk : nk + mdl.ncap], 0.0)
        mu = np.zeros(R)
        if mdl.fair is not None:
            alpha = y[mdl.fair.above_rows]
            beta = y[mdl.fair.below_rows]
            mu = np.clip(beta - alpha, -P.rho, P.rho)
        return col[self._hcol], h.getInfo().objective_function_value, u, Prices(lam, mu)

    def solve(
        self,
        *,
        time_limit: float | None = None,
        max_rounds: int = 60,
        stop_gap: float = 0.0,
    ) -> LPSolution:
        """Column generation. If this LP covers the whole problem (all classes, full residual
        capacity), every round also yields a valid Lagrangian bound; the loop stops when that
        bound is within ``stop_gap`` (relative) of the restricted LP value, when no column
        prices out (LP optimum proven) or at the limits."""
        t0 = time.perf_counter()
        rounds = 0
        proven = False
        best_bound, best_prices = math.inf, None
        last = None
        while True:
            rounds += 1
            t_round = time.perf_counter()
            left = None if time_limit is None else time_limit - (t_round - t0)
            try:
                x_cols, fun, u, prices = self._solve_restricted(left)
            except LPTimeout:
                if last is None:  # not even the first restricted LP finished in time
                    return self._unsolved()
                x_cols, u, prices, solved, lp_value = last  # the last round that finished
                rounds -= 1
                break
            solved = len(self.col_k)  # columns of this LP (pricing appends more)
            added, worst, lag = self._price(prices, u)
            lp_value = -float(fun) + self.P.const
            last = (x_cols, u, prices, solved, lp_value)
            if lag < best_bound:
                best_bound, best_prices = lag, prices
            if self.verbose:
                print(
                    f"    round {rounds}: cols {len(self.col_k)} lp {lp_value:.4f} "
                    f"L {lag:.4f} added {added} worst {worst:.4g} "
                    f"t {time.perf_counter() - t0:.2f}"
                )
            if added == 0:
                proven = True
                break
            if self.is_whole and best_bound - lp_value <= stop_gap * max(abs(best_bound), 1e-9):
                break
            now = time.perf_counter()
            if rounds >= max_rounds or (
                time_limit is not None and (now - t0) + 0.5 * (now - t_round) > time_limit
            ):  # the next round would probably not finish in time
                break
        x = np.asarray(x_cols[:solved])
        keep = x > 1e-9
        if proven:
            best_bound, best_prices = min(best_bound, lp_value), prices
        return LPSolution(
            value=lp_value,
            k=self.classes[self.col_k[:solved][keep]],
            m=self.col_m[:solved][keep],
            x=x[keep],
            u=u,
            prices=prices,
            proven=proven,
            rounds=rounds,
            columns=len(self.col_k),
            bound=best_bound if self.is_whole else math.inf,
            bound_prices=best_prices if self.is_whole else None,
        )

    def _unsolved(self) -> LPSolution:
        """No LP solution (time limit): the start prices, no columns. Callers still get a
        valid bound from the prices (the Lagrangian holds for any prices)."""
        z = np.zeros(0, dtype=np.int64)
        return LPSolution(
            value=math.nan,
            k=z,
            m=z.copy(),
            x=np.zeros(0),
            u=np.zeros(len(self.classes)),
            prices=self.start,
            proven=False,
            rounds=0,
            columns=len(self.col_k),
        )

    @property
    def is_whole(self) -> bool:
        """True if this LP is the relaxation of the whole problem (its Lagrangian is a bound)."""
        return len(self.classes) == self.P.K and self.cap is self.P.cap


def _top_q(a: np.ndarray, q: int) -> np.ndarray:
    """Column indices of the q largest entries of each row (unordered)."""
    n = a.shape[1]
    if q >= n:
        return np.tile(np.arange(n), (a.shape[0], 1))
    return np.argpartition(-a, q - 1, axis=1)[:, :q]


def solve_lp(
    P: Problem,
    *,
    seed: int = 0,
    base: int = 200,
    shrink: int = 3,
    time_limit: float | None = None,
    stop_gap: float = 1e-6,
    max_rounds: int = 60,
    fit_cap: np.ndarray | None = None,
    verbose: bool = False,
) -> LPSolution:
    """LP relaxation of the whole problem, started from prices of nested random samples.

    A sample of 1/``shrink`` of the classes with capacities scaled by its share of the units
    is solved first (recursively, down to ``base`` classes); its prices choose the first
    columns of the next level. Samples only steer the column choice: the returned bound is
    the Lagrangian of the whole problem.
    """
    fit = P.cap if fit_cap is None else fit_cap
    rng = np.random.default_rng(np.random.SeedSequence([seed, 101]))
    levels = [np.arange(P.K)]
    while len(levels[-1]) > base * shrink:
        cur = levels[-1]
        levels.append(np.sort(rng.choice(cur, len(cur) // shrink, replace=False)))
    t0 = time.perf_counter()
    start = None
    total_units = float(P.n.sum())
    for cls in reversed(levels[1:]):
        frac = float(P.n[cls].sum()) / max(total_units, 1.0)
        lp = ColumnLP(P, cls, P.cap * frac, fit_cap=fit, start=start, verbose=verbose)
        start = lp.solve(max_rounds=15).prices
    left = None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - t0))
    lp = ColumnLP(P, start=start, fit_cap=fit, verbose=verbose)
    return lp.solve(time_limit=left, stop_gap=stop_gap, max_rounds=max_rounds)
