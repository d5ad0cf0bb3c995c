"""The numeric problem the solvers work on.

``compile_problem`` turns an :class:`Instance` into arrays:

* **units**: a case, or a linked group merged into one super-case (demands added, eligibility
  intersected, coefficients added). Locked units are removed: their capacity use and value are
  fixed (``cap`` is the residual capacity, ``const`` their value).
* **classes**: units that are exactly alike (same demand, same eligibility row, same coefficient
  row) are aggregated into one class with a count. This is exact: any solution of the class
  problem maps to a unit solution with the same value and vice versa.
* ``W[k, m]`` coefficient, ``E[k, m]`` allowed (hard rules and a static capacity fit),
  ``A[k, d]`` demand, ``cap[m, d]`` residual capacity (``inf`` = no separate limit).

The fairness term is kept as data (``region`` per municipality, ``target`` shares, weight
``rho``) for the solvers that handle it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compat import eligibility_matrix
from .model import DIMENSIONS, PERSONS, Instance
from .scores import coefficient_matrix


@dataclass
class Problem:
    inst: Instance
    unit_cases: list[np.ndarray]  # case indices of each free unit
    unit_class: np.ndarray  # class of each unit
    locked: dict[int, int]  # case index -> municipality index
    n: np.ndarray  # (K,) units per class
    A: np.ndarray  # (K, D) demand per unit of the class
    W: np.ndarray  # (K, M) coefficient per unit
    E: np.ndarray  # (K, M) allowed
    cap: np.ndarray  # (M, D) residual capacity, inf = unlimited
    const: float  # value of locked assignments (without fairness)
    region: np.ndarray  # (M,) index into target, -1 = no target
    target: np.ndarray  # (R,) target shares
    rho: float  # fairness weight
    locked_region_persons: np.ndarray  # (R,) persons locked into each target region
    locked_persons: float

    @property
    def K(self) -> int:
        return len(self.n)

    @property
    def M(self) -> int:
        return self.W.shape[1]

    @property
    def U(self) -> int:
        return len(self.unit_cases)

    @property
    def has_fairness(self) -> bool:
        return self.rho > 0 and len(self.target) > 0

    @property
    def locked_deviation(self) -> np.ndarray:
        """(R,) each target region's persons minus its share, counting the locked ones only."""
        return self.locked_region_persons - self.target * self.locked_persons

    @property
    def sizes(self) -> np.ndarray:
        return self.A[:, PERSONS]

    def fairness_penalty(self, region_persons: np.ndarray, total_persons: float) -> float:
        """rho × Σ_r |P_r − t_r T| (persons include the locked ones)."""
        if not self.has_fairness:
            return 0.0
        dev = (
            region_persons
            + self.locked_region_persons
            - self.target * (total_persons + self.locked_persons)
        )
        return float(self.rho * np.abs(dev).sum())

    def evaluate_sparse(self, k: np.ndarray, m: np.ndarray, cnt: np.ndarray) -> float:
        val = self.const + float((self.W[k, m] * cnt).sum())
        if self.has_fairness:
            persons_m = np.bincount(m, weights=self.sizes[k] * cnt, minlength=self.M)
            val -= self.fairness_penalty(self.region_persons(persons_m), persons_m.sum())
        return val

    def region_persons(self, persons_m: np.ndarray) -> np.ndarray:
        mask = self.region >= 0
        return np.bincount(self.region[mask], weights=persons_m[mask], minlength=len(self.target))

    def usage(self, k: np.ndarray, m: np.ndarray, cnt: np.ndarray) -> np.ndarray:
        """(M, D) capacity used by a sparse class solution."""
        out = np.zeros((self.M, self.A.shape[1]))
        np.add.at(out, m, self.A[k] * cnt[:, None])
        return out

    def is_feasible(self, k: np.ndarray, m: np.ndarray, cnt: np.ndarray, tol: float = 1e-9) -> bool:
        if len(k) == 0:
            return True
        if np.any(cnt < 0) or not np.all(self.E[k, m]):
            return False
        per_class = np.bincount(k, weights=cnt, minlength=self.K)
        if np.any(per_class > self.n + tol):
            return False
        return bool(np.all(self.usage(k, m, cnt) <= self.cap + tol))


def fits(A: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """(rows of ``A`` × municipalities): the demand fits the capacity in every dimension."""
    ok = np.ones((A.shape[0], cap.shape[0]), dtype=bool)
    for d in range(A.shape[1]):
        need = A[:, d]
        if np.any(need > 0):
            ok &= ~(need[:, None] > cap[None, :, d] + 1e-9)
    return ok


def subproblem(
    P: Problem,
    A: np.ndarray,
    W: np.ndarray,
    E: np.ndarray,
    cap: np.ndarray,
    *,
    n: np.ndarray | None = None,
    fit_cap: np.ndarray | None = None,
    unit_cases: list[np.ndarray] | None = None,
    fairness: bool = True,
) -> Problem:
    """Another problem on ``P``'s municipalities: classes with the rows ``A``, ``W``, ``E``
    (``n`` units each, default one) and capacity ``cap``, for sample LPs, batches and sampled
    futures.

    A pair stays allowed only if its demand fits ``fit_cap`` (default ``cap``). The locked
    assignments' value is not counted (``const`` 0). With ``unit_cases`` (case indices of each
    row) every row is one unit; without, the problem has classes but no units. ``fairness``
    False drops the fairness term.
    """
    import dataclasses

    extra = {}
    if not fairness:
        extra = {"rho": 0.0, "target": np.zeros(0), "locked_region_persons": np.zeros(0)}
    return dataclasses.replace(
        P,
        unit_cases=[] if unit_cases is None else unit_cases,
        unit_class=np.arange(len(A)) if unit_cases is not None else np.zeros(0, dtype=np.int64),
        n=np.ones(len(A)) if n is None else n,
        A=A,
        W=W,
        E=E & fits(A, cap if fit_cap is None else fit_cap),
        cap=cap,
        const=0.0,
        **extra,
    )


def compile_problem(inst: Instance, *, aggregate: bool = True) -> Problem:
    n_m = inst.n_municipalities
    coef = coefficient_matrix(inst)
    elig = eligibility_matrix(inst)
    demand = inst.demand_matrix().astype(float)
    cap = inst.capacity_matrix()  # residual after the locks below
    m_idx = inst.muni_index

    # units: linked groups merged
    groups: dict[str, list[int]] = {}
    units: list[list[int]] = []
    for i, c in enumerate(inst.cases):
        if c.linked_group is None:
            units.append([i])
        else:
            groups.setdefault(c.linked_group, []).append(i)
    units += list(groups.values())
    units.sort(key=lambda u: u[0])

    locked: dict[int, int] = {}
    free_units: list[np.ndarray] = []

    const = 0.0
    for u in units:
        locks = [inst.cases[i].locked_to for i in u if inst.cases[i].locked_to is not None]
        if locks:
            j = m_idx[locks[0]]
            for i in u:
                locked[i] = j
                cap[j] -= demand[i]
                const += coef[i, j]
        else:
            free_units.append(np.array(u, dtype=np.int64))

    n_u = len(free_units)
    single = np.array([len(u) == 1 for u in free_units], dtype=bool)
    first = np.array([u[0] for u in free_units], dtype=np.int64)
    Wu = np.empty((n_u, n_m))
    Eu = np.empty((n_u, n_m), dtype=bool)
    Au = np.empty((n_u, len(DIMENSIONS)))
    if n_u:
        Wu[single] = coef[first[single]]
        Eu[single] = elig[first[single]]
        Au[single] = demand[first[single]]
        for r in np.flatnonzero(~single):
            u = free_units[r]
            Wu[r] = coef[u].sum(axis=0)
            Eu[r] = elig[u].all(axis=0)
            Au[r] = demand[u].sum(axis=0)
        # static fit: a unit can never go where its demand exceeds the residual capacity
        Eu &= fits(Au, cap)
    del coef, elig

    if aggregate and n_u > 1:
        unit_class, n, rep = _aggregate(Wu, Eu, Au)
        W, E, A = Wu[rep], Eu[rep], Au[rep]
        del Wu, Eu, Au
    else:
        unit_class = np.arange(n_u)
        n = np.ones(n_u)
        W, E, A = Wu, Eu, Au

    # fairness
    target_regions = [r for r in inst.regions if r.target_share is not None]
    r_idx = {r.code: t for t, r in enumerate(target_regions)}
    region = np.array([r_idx.get(m.region, -1) for m in inst.municipalities], dtype=np.int64)
    target = np.array([r.target_share for r in target_regions], dtype=float)
    lrp = np.zeros(len(target))
    lp = 0.0
    for i, j in locked.items():
        s = float(demand[i, PERSONS])
        lp += s
        if region[j] >= 0:
            lrp[region[j]] += s
    return Problem(
        inst=inst,
        unit_cases=free_units,
        unit_class=unit_class,
        locked=locked,
        n=n.astype(float),
        A=A,
        W=W,
        E=E,
        cap=cap,
        const=const,
        region=region,
        target=target,
        rho=float(inst.weights.fairness),
        locked_region_persons=lrp,
        locked_persons=lp,
    )


def _aggregate(W: np.ndarray, E: np.ndarray, A: np.ndarray):
    """Group identical rows of (A, E, W). Returns (class per unit, counts, representative)."""
    key = np.concatenate(
        [
            np.ascontiguousarray(A).view(np.uint8).reshape(len(A), -1),
            np.packbits(E, axis=1),
            np.ascontiguousarray(np.where(E, W, 0.0)).view(np.uint8).reshape(len(W), -1),
        ],
        axis=1,
    )
    key = np.ascontiguousarray(key)
    void = key.view(np.dtype((np.void, key.shape[1]))).ravel()
    _, rep, inv, counts = np.unique(
        void, return_index=True, return_inverse=True, return_counts=True
    )
    # order classes by their first unit so results do not depend on byte order
    order = np.argsort(rep, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[inv.ravel()], counts[order].astype(float), rep[order]
