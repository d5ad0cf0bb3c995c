"""The public entry point: ``solve(instance) -> Result`` with objective, bound and gap.

Methods:

* ``"exact"``: LP relaxation (column generation, proven over all pairs), a rounded incumbent,
  reduced-cost fixing (by the LP's Lagrangian and the knapsack Lagrangian of
  :mod:`.knapsack`) and HiGHS's MIP on the pairs that survive; optimal when the MIP finishes,
  else the lowest of the bounds is reported.
* ``"decompose"``: LP relaxation (whole, or sample prices plus a working-set LP for very large
  instances), rounding with an exact min-cost flow for persons travelling alone, an optional
  MIP improvement; the bound is the lower of the Lagrangian over all pairs and, when the LP
  covered every class, the knapsack Lagrangian lowered by subgradient steps.
* ``"greedy"``: the manual baseline (first come, first served, to the most free places); the
  bound is still computed so its gap is known.
* ``"auto"``: ``exact`` up to :data:`EXACT_MAX_UNITS` units, else ``decompose``.

``decompose`` uses the time it is given: after its own stages, while time is left and the gap is
above ``target_gap``, :func:`_use_the_time` keeps lowering the bound (more knapsack subgradient
rounds), solves the reduced-cost-fixed MIP once fixing leaves it small, and tries neighbourhood
MIPs on the solution (all that is placed in a few municipalities re-decided with the unplaced
units), keeping the best solution and the lowest bound. It returns early only when the gap is
within ``target_gap`` or none of these can move any more.

Same input and seed give the same result, unless a time limit cuts a stage short: then the
result can depend on the machine's speed (``exact`` says ``time_limit`` in ``result.status``;
``decompose`` gives each stage a share of the limit, so its result can vary whenever a stage
used up its share, see ``result.timings``; the number of steps of the last stage depends on the
clock too, see ``result.stats["neighbourhoods"]`` and ``["knapsack_rounds"]``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .errors import InstanceError
from .exact import reduced_pairs, solve_reduced_mip
from .greedy import greedy_units
from .heuristic import (
    IMPROVE_MAX_COLUMNS,
    Sol,
    fill_remaining,
    improve_in_municipalities,
    improve_with_mip,
    round_lp,
)
from .io import instance_digest, semantic_issues
from .knapsack import knapsack_bound
from .lp import lagrangian_bound, solve_lp
from .model import DIMENSIONS, Assignment, Instance, Result, relative_gap
from .problem import Problem, compile_problem
from .scores import components

EXACT_MAX_UNITS = 600
#: decompose: shares of the time left for the improvement MIP, then for the first bound
#: rounds; what remains goes to :func:`_use_the_time`.
IMPROVE_SHARE = 0.75
BOUND_SHARE = 1.0
#: Seconds of one step of :func:`_use_the_time` (a neighbourhood MIP, or bound rounds).
POLISH_STEP = 1.0
#: Municipalities re-decided together by one neighbourhood MIP.
NEIGHBOURHOOD = 10
LP_MAX_CLASSES = 20_000
METHODS = ("auto", "exact", "decompose", "greedy")
BOUND_TOL = 1e-6
#: Seconds per case kept for the result and its explanations (measured, with a margin).
RESERVE_PER_CASE = 1.2e-4

Progress = Callable[[str, float], None]


def _noop(stage: str, share: float) -> None:
    return None


def solve(
    instance: Instance,
    *,
    time_limit: float = 60.0,
    seed: int = 0,
    method: str = "auto",
    target_gap: float = 1e-4,
    explain: bool = True,
    progress: Progress | None = None,
) -> Result:
    """Propose an assignment. Never raises for a valid instance (see ``io.load_instance``)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    issues = semantic_issues(instance, size_checks=False)
    if issues:  # instances built in code skip load_instance: check them here (a case too
        # large for every municipality is not refused here: it is reported as unplaced)
        raise InstanceError(issues)
    prog = progress or _noop
    t0 = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - t0 - sum(timings.values()), 4)

    def left() -> float:
        return time_limit - (time.perf_counter() - t0)

    prog("compile", 0.0)
    P = compile_problem(instance)
    lap("compile")
    stats: dict = {
        "units": P.U,
        "classes": P.K,
        "locked_cases": len(P.locked),
        "pairs_allowed": int(P.E.sum()),
    }
    if method == "auto":
        method = "exact" if P.U <= EXACT_MAX_UNITS else "decompose"

    # time kept for building the result and its explanations: they grow with the number of
    # cases (measured: 9.3 s for 100,000 cases with explanations, a third of it without)
    reserve = 0.5 + (RESERVE_PER_CASE if explain else RESERVE_PER_CASE / 3) * instance.n_cases
    status = "heuristic"
    if P.K == 0:
        sol, status = Sol.empty(), "optimal"
        bound = P.evaluate_sparse(sol.k, sol.m, sol.cnt)
    else:
        prog("lp", 0.05)
        frac, bound, B, lp, lp_info = _relaxation(P, seed=seed, time_limit=0.6 * time_limit)
        stats.update(lp_info)
        lap("lp")
        prog("round", 0.5)
        sol = (
            _greedy_sol(P) if method == "greedy" else fill_remaining(P, round_lp(P, frac, B.prices))
        )
        value = P.evaluate_sparse(sol.k, sol.m, sol.cnt)
        lap("round")
        if method == "exact":
            prog("mip", 0.6)
            # the knapsack bound at the LP's prices (one round): a lower bound to report if the
            # MIP stops at its limit, and pair bounds for the fixing (they only remove pairs
            # when the incumbent is near the optimum, not from the rounded LP on the benchmark)
            knap = knapsack_bound(P, lp.u, lp.prices.lam) if P.K <= LP_MAX_CLASSES else None
            if knap is not None:
                stats["knapsack_bound"] = knap.value
                bound = min(bound, knap.value)
            ex = solve_reduced_mip(P, B, sol, value, time_limit=max(0.5, left()), knap=knap)
            stats.update(mip_status=ex.status, pairs_after_fixing=ex.pairs_kept)
            if ex.sol is not None:
                sol = ex.sol
                value = P.evaluate_sparse(sol.k, sol.m, sol.cnt)
            bound = min(bound, ex.bound)
            status = "optimal" if ex.optimal else "time_limit"
            lap("mip")
        elif (
            method == "decompose"
            and relative_gap(value, bound) > target_gap
            and left() > reserve + 1
        ):
            prog("improve", 0.7)
            # the MIP may take a share of what is left: the rest lowers the bound and then
            # alternates between both (see _use_the_time)
            share = IMPROVE_SHARE if P.K <= LP_MAX_CLASSES else 1.0
            better = improve_with_mip(P, lp, B, time_limit=share * (left() - reserve), start=sol)
            stats["improved"] = False  # True only if its assignment replaced the rounded one
            if better is not None:
                better = fill_remaining(P, better)
                v2 = P.evaluate_sparse(better.k, better.m, better.cnt)
                if v2 > value + 1e-9 and P.is_feasible(better.k, better.m, better.cnt):
                    sol, value = better, v2
                    stats["improved"] = True
            lap("improve")
        if (
            method == "decompose"  # the greedy baseline keeps the LP's bound: no time spent
            and P.K <= LP_MAX_CLASSES  # the LP covered every class: its class prices exist
            and relative_gap(value, bound) > target_gap
            and left() > reserve
        ):
            prog("bound", 0.8)
            kb = knapsack_bound(
                P,
                lp.u,
                lp.prices.lam,
                target=value,
                time_limit=BOUND_SHARE * (left() - reserve),
            )
            if kb is not None:
                stats["knapsack_bound"] = kb.value
                stats["knapsack_rounds"] = kb.rounds
                bound = min(bound, kb.value)
            lap("bound")
            if relative_gap(value, bound) > target_gap and left() > reserve + 0.5:
                prog("polish", 0.85)
                sol, value, bound = _use_the_time(
                    P,
                    B,
                    kb,
                    sol,
                    value,
                    bound,
                    seed=seed,
                    target_gap=target_gap,
                    deadline=time.perf_counter() + left() - reserve,
                    stats=stats,
                )
                lap("polish")
        # a bound below the solution (never expected) is clamped and recorded by build_result;
        # relative_gap already counts it as no gap
        if method != "exact":
            status = "gap_met" if relative_gap(value, bound) <= target_gap else "heuristic"
            if relative_gap(value, bound) == 0:
                status = "optimal"
    prog("result", 0.9)
    unit_muni = classes_to_units(P, sol)
    res = build_result(
        P,
        unit_muni,
        bound=bound,
        method=method,
        status=status,
        seed=seed,
        time_limit=time_limit,
        stats=stats,
    )
    lap("result")
    if explain:
        from .explain import explain_result

        explain_result(res, instance, P=P, unit_muni=unit_muni)
        lap("explain")
    res.timings = timings
    res.timings["total"] = round(time.perf_counter() - t0, 4)
    prog("done", 1.0)
    return res


def _use_the_time(
    P: Problem,
    B,
    kb,
    sol: Sol,
    value: float,
    bound: float,
    *,
    seed: int,
    target_gap: float,
    deadline: float,
    stats: dict,
) -> tuple[Sol, float, float]:
    """While time is left and the gap is above ``target_gap``: lower the bound (more knapsack
    subgradient rounds, continued where the last call stopped), solve the reduced-cost-fixed
    MIP when fixing leaves it small enough to solve (then the gap closes), and otherwise
    improve the solution by neighbourhood MIPs: everything in :data:`NEIGHBOURHOOD`
    municipalities drawn at random (seeded) re-decided with the unplaced units. Keeps the
    best solution and the lowest bound. Returns (solution, value, bound)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 303]))
    # the neighbourhoods do not see the fairness term (other regions' persons)
    places = np.flatnonzero(P.cap[:, 0] > 0) if not P.has_fairness else np.zeros(0, np.int64)
    fixed_at = None  # (incumbent, bound) of the last reduced-cost fixing tried
    steps = improved = idle = 0
    while relative_gap(value, bound) > target_gap:
        now = time.perf_counter()
        if deadline - now < 0.3:
            break
        slice_ = min(POLISH_STEP, deadline - now)
        moved = False
        if (value, bound) != fixed_at:  # fixing with the current incumbent and bound
            fixed_at = (value, bound)
            kg, _ = reduced_pairs(P, B, value, kb)
            if len(kg) <= IMPROVE_MAX_COLUMNS:
                ex = solve_reduced_mip(
                    P, B, sol, value, time_limit=deadline - time.perf_counter(), knap=kb
                )
                stats.update(mip_status=ex.status, pairs_after_fixing=ex.pairs_kept)
                if ex.sol is not None:
                    sol, value = ex.sol, P.evaluate_sparse(ex.sol.k, ex.sol.m, ex.sol.cnt)
                bound = min(bound, ex.bound)
                continue
        if kb is not None and not kb.converged:
            kb = knapsack_bound(P, kb.u, kb.lam, target=value, time_limit=slice_, start=kb)
            stats["knapsack_rounds"] = kb.rounds
            if kb.value < bound:
                stats["knapsack_bound"] = kb.value
                bound, moved = kb.value, True
        if deadline - time.perf_counter() > 0.3 and len(places):
            pick = rng.choice(places, min(NEIGHBOURHOOD, len(places)), replace=False)
            better = improve_in_municipalities(
                P,
                sol,
                np.sort(pick),
                time_limit=min(POLISH_STEP, deadline - time.perf_counter()),
                prices=B.prices,
            )
            steps += 1
            idle = 0 if better is not None else idle + 1
            if idle >= 20 and not moved:  # nothing to re-decide anywhere (all placed well)
                break
            if better is not None:
                better = fill_remaining(P, better)
                v2 = P.evaluate_sparse(better.k, better.m, better.cnt)
                if v2 > value + 1e-9 and P.is_feasible(better.k, better.m, better.cnt):
                    sol, value, moved = better, v2, True
                    improved += 1
        elif not moved:
            break
    stats["neighbourhoods"] = steps
    stats["neighbourhoods_improved"] = improved
    return sol, value, bound


def _relaxation(P: Problem, *, seed: int, time_limit: float):
    """(fractional solution, bound, the Lagrangian at the prices with the best bound, the LP
    solution, info)."""
    if P.K <= LP_MAX_CLASSES:
        lp = solve_lp(P, seed=seed, time_limit=time_limit, stop_gap=1e-6)
        prices = lp.bound_prices or lp.prices
        B = lagrangian_bound(P, prices)
        bound = min(lp.bound, B.value)
        info = {
            "lp_value": lp.value,
            "lp_rounds": lp.rounds,
            "lp_columns": lp.columns,
            "lp_proven": lp.proven,
        }
        return Sol(lp.k, lp.m, lp.x), bound, B, lp, info
    from .decompose import working_set_lp

    big = working_set_lp(P, seed=seed, time_limit=time_limit)
    info = {
        "lp_value": big.lp.value,
        "lp_rounds": big.rounds,
        "lp_columns": big.lp.columns,
        "working_set": big.working_set,
        "lp_proven": False,
    }
    return big.frac, big.lagrangian.value, big.lagrangian, big.lp, info


def _greedy_sol(P: Problem) -> Sol:
    um = greedy_units(P)
    placed = um >= 0
    return Sol(P.unit_class[placed].astype(np.int64), um[placed], np.ones(int(placed.sum())))


def classes_to_units(P: Problem, sol: Sol) -> np.ndarray:
    """Municipality per free unit (-1 unplaced): the units of a class are given out in unit
    order, to municipalities in index order (deterministic)."""
    out = np.full(P.U, -1, dtype=np.int64)
    if P.U == 0:
        return out
    units_of = [[] for _ in range(P.K)]
    for u, k in enumerate(P.unit_class):
        units_of[k].append(u)
    order = np.lexsort((sol.m, sol.k))
    nxt = np.zeros(P.K, dtype=np.int64)
    for i in order:
        k, m, c = int(sol.k[i]), int(sol.m[i]), round(sol.cnt[i])
        for _ in range(c):
            out[units_of[k][nxt[k]]] = m
            nxt[k] += 1
    return out


def build_result(
    P: Problem,
    unit_muni: np.ndarray,
    *,
    bound: float,
    method: str,
    status: str,
    seed: int,
    time_limit: float | None,
    stats: dict | None = None,
) -> Result:
    inst = P.inst
    case_muni = np.full(inst.n_cases, -1, dtype=np.int64)
    for i, j in P.locked.items():
        case_muni[i] = j
    for u, cases in enumerate(P.unit_cases):
        case_muni[cases] = unit_muni[u]
    codes = [m.code for m in inst.municipalities]
    totals = dict.fromkeys(("outcome", "tie", "wish", "placement", "emergency"), 0.0)
    assignments = []
    used = np.zeros((inst.n_municipalities, len(DIMENSIONS)))
    demand = inst.demand_matrix()
    region_persons: dict[int, float] = {}
    for i, c in enumerate(inst.cases):
        j = int(case_muni[i])
        if j < 0:
            continue
        comp = components(inst, i, j)
        for key, v in comp.items():
            totals[key] += v
        used[j] += demand[i]
        assignments.append(Assignment(c.id, codes[j], i in P.locked, sum(comp.values())))
    objective = sum(totals.values())
    if P.has_fairness:
        persons_m = used[:, 0]
        mask = P.region >= 0
        rp = np.bincount(P.region[mask], weights=persons_m[mask], minlength=len(P.target))
        dev = rp - P.target * persons_m.sum()
        totals["fairness_penalty"] = -float(P.rho * np.abs(dev).sum())
        objective += totals["fairness_penalty"]
        region_persons = {int(r): float(v) for r, v in enumerate(rp)}
    cap = inst.capacity_matrix()
    usage = {}
    for j, m in enumerate(inst.municipalities):
        if used[j].any():
            usage[m.code] = {
                d: {
                    "used": float(used[j, k]),
                    "capacity": None if not np.isfinite(cap[j, k]) else float(cap[j, k]),
                }
                for k, d in enumerate(DIMENSIONS)
                if used[j, k] > 0 or np.isfinite(cap[j, k])
            }
    st = dict(stats or {})
    if objective > bound + BOUND_TOL:  # never expected: recorded so that tests can see it
        st.setdefault("bound_raised", float(bound))
    bound = max(float(bound), objective)  # numerical safety: never below the assignment
    st["placed_cases"] = len(assignments)
    st["unplaced_cases"] = inst.n_cases - len(assignments)
    st["placed_persons"] = float(used[:, 0].sum())
    if region_persons:
        st["region_persons"] = region_persons
    return Result(
        instance_name=inst.name,
        instance_digest=instance_digest(inst),
        method=method,
        status=status,
        objective=float(objective),
        bound=bound,
        components={k: float(v) for k, v in totals.items()},
        assignments=assignments,
        unplaced=[],
        usage=usage,
        seed=seed,
        time_limit=time_limit,
        synthetic=inst.synthetic,
        note=inst.note,
        stats=st,
    )
