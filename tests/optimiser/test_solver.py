"""Solvers: feasibility, valid bounds, brute-force optimality, determinism."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kotopaikka.optimiser.feasibility import check_assignment, objective_value
from kotopaikka.optimiser.io import load_instance
from kotopaikka.optimiser.results import load_result, result_to_dict
from kotopaikka.optimiser.solve import solve
from kotopaikka.optimiser.synthetic import generate_instance

from .helpers import small_doc
from .randominst import brute_force, random_instance, random_problem

TOL = 1e-6
_settings = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _check(inst, res):
    a = res.assignment_map()
    assert check_assignment(inst, a) == []
    assert res.objective == pytest.approx(objective_value(inst, a), abs=TOL)
    assert res.bound >= res.objective - TOL
    # the result clamps its bound to the objective: check the solver did not need to
    assert "bound_raised" not in res.stats, res.stats
    return a


@_settings
@given(
    seed=st.integers(0, 10_000),
    n_cases=st.integers(1, 5),
    n_munis=st.integers(1, 3),
    fairness=st.booleans(),
)
def test_exact_matches_brute_force_and_bounds_are_valid(seed, n_cases, n_munis, fairness):
    inst = random_instance(seed, n_cases, n_munis, fairness=fairness)
    assume(inst is not None)
    best, _ = brute_force(inst)
    exact = solve(inst, method="exact", time_limit=20)
    _check(inst, exact)
    assert exact.objective == pytest.approx(best, abs=TOL)
    assert exact.bound >= best - TOL
    assert exact.status == "optimal"
    for method in ("decompose", "greedy"):
        res = solve(inst, method=method, time_limit=20)
        _check(inst, res)
        assert res.objective <= best + TOL
        assert res.bound >= best - TOL  # the bound is valid for the true optimum


@_settings
@given(seed=st.integers(0, 10_000), n_cases=st.integers(5, 40), n_munis=st.integers(2, 8))
def test_hard_constraints_hold_on_random_instances(seed, n_cases, n_munis):
    inst = random_instance(seed, n_cases, n_munis)
    assume(inst is not None)
    for method in ("exact", "decompose", "greedy"):
        res = solve(inst, method=method, time_limit=20)
        a = _check(inst, res)
        for c in inst.cases:  # locks kept, linked together (also in check_assignment)
            if c.locked_to:
                assert a[c.id] == c.locked_to
        assert len(res.assignments) + len(res.unplaced) == inst.n_cases


def test_small_instance_optimum():
    inst = load_instance(small_doc())
    res = solve(inst, method="exact")
    best, _ = brute_force(inst)
    assert res.objective == pytest.approx(best)
    assert res.status == "optimal" and res.gap == 0


def test_same_input_and_seed_give_identical_result_files():
    # small enough that no stage meets its time limit, even on a loaded machine: a stage cut
    # short by the clock is the documented exception to determinism (see solve.py)
    inst = generate_instance(120, seed=5)
    results = [solve(inst, seed=3, time_limit=120) for _ in range(2)]
    assert all(r.status == "optimal" for r in results), [r.status for r in results]
    texts = [json.dumps(result_to_dict(r)) for r in results]
    assert texts[0] == texts[1]
    assert load_result(texts[0]).objective == json.loads(texts[0])["objective"]


def test_decomposition_on_synthetic_year_is_feasible_with_small_gap():
    inst = generate_instance(1200, seed=2)
    res = solve(inst, method="decompose", time_limit=15)  # the gap asked for is loose: 15 s suffice
    _check(inst, res)
    assert res.gap < 0.01
    greedy = solve(inst, method="greedy", time_limit=60)
    _check(inst, greedy)
    assert greedy.objective < res.objective


def test_lp_from_nested_samples_is_deterministic_for_a_seed():
    """The seed picks the nested samples whose prices start column generation (the 120-case
    test above is too small to have samples): same seed, same LP solution."""
    import numpy as np

    from kotopaikka.optimiser.lp import solve_lp
    from kotopaikka.optimiser.problem import compile_problem

    P = compile_problem(generate_instance(400, seed=5, scores="truth"))
    runs = [solve_lp(P, seed=3, base=50) for _ in range(2)]
    assert runs[0].rounds > 0 and len(runs[0].k) > 0
    for field in ("k", "m", "x"):
        np.testing.assert_array_equal(getattr(runs[0], field), getattr(runs[1], field))
    assert runs[0].value == runs[1].value


def _start(P):
    """A poor start: the manual baseline (first come, first served)."""
    from kotopaikka.optimiser.solve import _greedy_sol

    sol = _greedy_sol(P)
    return sol, P.evaluate_sparse(sol.k, sol.m, sol.cnt)


@_settings
@given(
    seed=st.integers(0, 10_000),
    n_cases=st.integers(3, 30),
    n_munis=st.integers(2, 8),
    pick_seed=st.integers(0, 1_000),
)
def test_neighbourhood_mip_is_feasible_and_never_worse(seed, n_cases, n_munis, pick_seed):
    import numpy as np

    from kotopaikka.optimiser.heuristic import fill_remaining, improve_in_municipalities

    _, P = random_problem(seed, n_cases, n_munis)
    sol, value = _start(P)
    rng = np.random.default_rng(pick_seed)
    munis = np.sort(rng.choice(P.M, int(rng.integers(1, P.M + 1)), replace=False))
    better = improve_in_municipalities(P, sol, munis, time_limit=20)
    if better is None:
        return
    better = fill_remaining(P, better)
    assert P.is_feasible(better.k, better.m, better.cnt)
    assert np.allclose(better.cnt, np.round(better.cnt))
    assert P.evaluate_sparse(better.k, better.m, better.cnt) >= value - TOL
    # the municipalities outside the neighbourhood keep their families
    from kotopaikka.optimiser.heuristic import flow_classes

    fam = ~flow_classes(P)
    outside = ~np.isin(sol.m, munis) & fam[sol.k]
    kept = set(zip(sol.k[outside].tolist(), sol.m[outside].tolist(), strict=True))
    now = set(zip(better.k.tolist(), better.m.tolist(), strict=True))
    assert kept <= now


@_settings
@given(seed=st.integers(0, 10_000), n_cases=st.integers(1, 6), n_munis=st.integers(1, 3))
def test_using_the_time_keeps_valid_bounds_and_reaches_the_optimum(seed, n_cases, n_munis):
    """The stage that uses the time left (after the decomposition's own stages): from a poor
    start and the LP's bound it never loses the start's value, its bound stays above the
    optimum, and on a small instance (its reduced-cost-fixed MIP is small) it closes the gap."""
    import time

    from kotopaikka.optimiser.knapsack import knapsack_bound
    from kotopaikka.optimiser.lp import lagrangian_bound, solve_lp
    from kotopaikka.optimiser.model import relative_gap
    from kotopaikka.optimiser.solve import _use_the_time

    inst, P = random_problem(seed, n_cases, n_munis)
    best, _ = brute_force(inst)
    lp = solve_lp(P, stop_gap=0.0)
    B = lagrangian_bound(P, lp.bound_prices or lp.prices)
    kb = knapsack_bound(P, lp.u, lp.prices.lam)
    sol, value = _start(P)
    bound = min(B.value, lp.bound, kb.value if kb is not None else B.value)
    stats: dict = {}
    sol2, value2, bound2 = _use_the_time(
        P,
        B,
        kb,
        sol,
        value,
        bound,
        seed=0,
        target_gap=1e-9,
        deadline=time.perf_counter() + 60,
        stats=stats,
    )
    assert P.is_feasible(sol2.k, sol2.m, sol2.cnt)
    assert value2 == pytest.approx(P.evaluate_sparse(sol2.k, sol2.m, sol2.cnt))
    assert value2 >= value - TOL and bound2 <= bound + TOL
    assert bound2 >= best - TOL and value2 <= best + TOL
    assert relative_gap(value2, bound2) <= 1e-6, stats
    assert value2 == pytest.approx(best, abs=1e-6)
