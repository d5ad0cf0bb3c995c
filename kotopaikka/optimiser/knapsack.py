"""A stronger bound: relax the class rows, keep each municipality's persons places integral.

The LP bound of :mod:`.lp` lets a municipality with 7 free places take a family of 5 and
2/3 of a family of 3. Relaxing instead the *class* rows (each unit placed at most once) with
prices ``u[k] ≥ 0`` and the capacities other than persons with prices ``lam[m, d] ≥ 0`` leaves
one integer knapsack per municipality over its persons places:

    L(u, lam) = const + Σ_k n_k u_k + Σ_{m, d≠persons} cap[m, d] lam[m, d] + Σ_m KP_m
    KP_m = max Σ_k r[k, m] x_k  s.t.  Σ_k s_k x_k ≤ cap[m, persons],  x_k ∈ {0, …, n_k}
    r[k, m] = W[k, m] − u_k − Σ_{d≠persons} A[k, d] lam[m, d]   (allowed pairs only)

Every feasible assignment satisfies the relaxed rows, so ``L`` bounds it for any such prices;
at the LP's own duals it is never above the LP bound (the LP solves each knapsack
fractionally). The knapsacks are cheap because family sizes take few values: for a size
``s``, only the best ``j`` items of that size can be in an optimal packing, so the dynamic
programme runs over sizes, not items, with the concave prefix sums of each size's best items.

``f_m[c]`` (best value within ``c`` places) also bounds every assignment that puts a unit of
class ``k`` in ``m``: ``L − KP_m + r[k, m] + f_m[cap − s_k]``. Pairs whose bound falls below a
known solution's value can be left out of any search for a better one: the exact method's
reduced-cost fixing uses this beside the LP's own test.
The fairness term is not handled here (callers skip this bound when it is on).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .lp import Prices, reduced_profit
from .model import PERSONS
from .problem import Problem

POSITIVE = 1e-12
#: First step length (share of the Polyak step): longer steps overshot on the benchmark.
STEP = 0.1
#: Shortest step: below it the subgradient steps stop (the bound no longer moves).
MIN_STEP = 1e-4


@dataclass
class KnapsackBound:
    value: float
    kp: np.ndarray  # (M,) best knapsack value of each municipality
    tables: list[np.ndarray | None]  # f_m over 0..cap (None: persons not limited or not binding)
    u: np.ndarray  # (K,) class prices used
    lam: np.ndarray  # (M, D) capacity prices used (persons column ignored)
    rounds: int = 1  # evaluations made (the first at the given prices)
    theta: float = STEP  # the step length reached (a call with ``start`` continues from it)
    g_u: np.ndarray | None = None  # the subgradient at (u, lam), for a continuation
    g_lam: np.ndarray | None = None

    @property
    def converged(self) -> bool:
        """The steps became too short to lower the bound any further."""
        return self.theta < MIN_STEP


def knapsack_value(
    r: np.ndarray, size: np.ndarray, count: np.ndarray, cap: float
) -> tuple[float, np.ndarray | None, np.ndarray]:
    """max Σ r x s.t. Σ size·x ≤ cap, 0 ≤ x ≤ count integer (``r`` > 0 expected).

    Returns (value, f over capacities 0..cap or ``None`` if everything fits, x)."""
    x = np.zeros(len(r))
    if len(r) == 0:
        return 0.0, None, x
    if not np.isfinite(cap) or float(size @ count) <= cap:
        return float(r @ count), None, count.astype(float).copy()
    C = max(int(cap), 0)
    f = np.zeros(C + 1)
    cols = np.arange(C + 1)
    steps = []
    for s in np.unique(size):
        s = int(s)
        if s > C or s <= 0:
            continue
        idx = np.flatnonzero(size == s)
        items = np.repeat(idx, count[idx].astype(np.int64))
        items = items[np.argsort(-r[items], kind="stable")][: C // s]
        prefix = np.concatenate([[0.0], np.cumsum(r[items])])
        src = cols[None, :] - s * np.arange(len(prefix))[:, None]
        cand = np.where(src >= 0, f[np.maximum(src, 0)] + prefix[:, None], -np.inf)
        choice = np.argmax(cand, axis=0)
        f = cand[choice, cols]
        steps.append((s, items, choice))
    c = C
    for s, items, choice in reversed(steps):
        j = int(choice[c])
        c -= j * s
        np.add.at(x, items[:j], 1.0)
    return float(f[C]), f, x


def _profits(P: Problem, u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """r[k, m] for every pair (−inf where not allowed): the LP's reduced profit at the
    capacity prices ``lam`` (persons column zero), less the class price."""
    return reduced_profit(P, Prices(lam, np.zeros(len(P.target))), slice(None)) - u[:, None]


def _evaluate(P: Problem, u: np.ndarray, lam: np.ndarray):
    """(bound, per-municipality values and tables, subgradients for u and lam)."""
    finite = np.isfinite(P.cap)
    value = P.const + float(P.n @ u) + float((P.cap[finite] * lam[finite]).sum())
    R = _profits(P, u, lam)
    sizes = P.A[:, PERSONS]
    kp = np.zeros(P.M)
    tables: list[np.ndarray | None] = [None] * P.M
    g_u = P.n.copy()  # n_k − Σ_m x_km
    g_lam = np.where(finite, P.cap, 0.0)  # cap_md − Σ_k A_kd x_km
    for m in range(P.M):
        kk = np.flatnonzero(R[:, m] > POSITIVE)
        if len(kk) == 0:
            continue
        kp[m], tables[m], x = knapsack_value(R[kk, m], sizes[kk], P.n[kk], P.cap[m, PERSONS])
        g_u[kk] -= x
        g_lam[m] -= P.A[kk].T @ x
    g_lam[:, PERSONS] = 0.0
    g_lam[~finite] = 0.0
    return value + float(kp.sum()), kp, tables, g_u, g_lam


def knapsack_bound(
    P: Problem,
    u: np.ndarray,
    lam: np.ndarray,
    *,
    target: float | None = None,
    time_limit: float = 0.0,
    max_rounds: int = 200,
    start: KnapsackBound | None = None,
) -> KnapsackBound | None:
    """``L(u, lam)`` over all pairs, then lowered by projected subgradient steps while
    ``time_limit`` lasts (Polyak steps towards ``target``, a known solution's value). Every
    point visited is a valid bound; the best is returned. ``None`` with the fairness term,
    which this relaxation does not cover.

    ``start`` (an earlier call's result) continues that descent: from its best point, at its
    step length, its rounds counted in (``u`` and ``lam`` are then not used); ``max_rounds``
    counts this call's rounds only."""
    if P.has_fairness or P.K == 0:
        return None
    t0 = time.perf_counter()
    best: KnapsackBound | None = None
    theta, fails, rounds, before = STEP, 0, 0, 0
    if start is not None:
        best, theta, before = start, start.theta, start.rounds
        u, lam = start.u.copy(), start.lam.copy()
        if start.converged or target is None:
            return start
        # a continuation steps from the best point at once
        u, lam = _step(u, lam, start.g_u, start.g_lam, theta * (best.value - target))
        if u is None:
            return start
    else:
        lam = Prices(lam, np.zeros(len(P.target))).clipped(P).lam
        lam[:, PERSONS] = 0.0  # the persons places stay as knapsacks
        u = np.maximum(u, 0.0)
    while True:
        rounds += 1
        t_round = time.perf_counter()
        value, kp, tables, g_u, g_lam = _evaluate(P, u, lam)
        if best is None or value < best.value:
            best = KnapsackBound(value, kp, tables, u.copy(), lam.copy(), g_u=g_u, g_lam=g_lam)
            fails = 0
        else:
            fails += 1
            if fails >= 3:  # no progress: shorter steps from the best point
                theta, fails = theta / 2, 0
                u, lam = best.u.copy(), best.lam.copy()
        now = time.perf_counter()
        if (
            target is None
            or best.value - target <= 1e-9 * max(1.0, abs(target))
            or rounds >= max_rounds
            or theta < MIN_STEP
            or (now - t0) + 1.5 * (now - t_round) > time_limit
        ):
            break
        u, lam = _step(u, lam, g_u, g_lam, theta * (value - target))
        if u is None:
            break
    best.rounds = before + rounds
    best.theta = theta
    return best


def _step(u, lam, g_u, g_lam, length: float):
    """A projected subgradient step of ``length`` / |g|² (Polyak), or ``(None, None)`` when
    the direction is zero."""
    g_u = np.where((u <= 0) & (g_u > 0), 0.0, g_u)  # project on the sign constraints
    g_lam = np.where((lam <= 0) & (g_lam > 0), 0.0, g_lam)
    norm = float((g_u**2).sum() + (g_lam**2).sum())
    if norm == 0:
        return None, None
    step = length / norm
    return np.maximum(u - step * g_u, 0.0), np.maximum(lam - step * g_lam, 0.0)


def pair_bounds(P: Problem, B: KnapsackBound) -> np.ndarray:
    """(K, M): an upper bound on every assignment that places a unit of class ``k`` in ``m``
    (−inf where it cannot go)."""
    R = _profits(P, B.u, B.lam)
    out = np.full(R.shape, -np.inf)
    sizes = P.A[:, PERSONS].astype(np.int64)
    for m, f in enumerate(B.tables):
        r = R[:, m]
        ok = np.isfinite(r)
        if f is None:  # every positive item fits: forcing one in costs at most its own loss
            out[ok, m] = B.value + np.minimum(r[ok], 0.0)
            continue
        rest = len(f) - 1 - sizes
        ok &= rest >= 0
        out[ok, m] = B.value - B.kp[m] + r[ok] + f[rest[ok]]
    return out
