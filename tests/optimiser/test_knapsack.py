"""The knapsack Lagrangian bound: exact knapsacks, valid bounds at any prices, valid fixing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kotopaikka.optimiser.knapsack import knapsack_bound, knapsack_value, pair_bounds
from kotopaikka.optimiser.lp import solve_lp
from kotopaikka.optimiser.problem import compile_problem
from kotopaikka.optimiser.solve import solve
from kotopaikka.optimiser.synthetic import generate_instance

from .randominst import brute_force, random_instance, random_problem

TOL = 1e-7
_settings = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@_settings
@given(
    items=st.lists(
        st.tuples(st.floats(0.01, 5), st.integers(1, 6), st.integers(1, 3)), min_size=1, max_size=6
    ),
    cap=st.integers(0, 14),
)
def test_knapsack_value_matches_enumeration(items, cap):
    r = np.array([i[0] for i in items])
    size = np.array([i[1] for i in items], dtype=float)
    count = np.array([i[2] for i in items], dtype=float)
    value, _, x = knapsack_value(r, size, count, cap)
    best = max(
        float(r @ np.array(xs))
        for xs in itertools.product(*[range(int(c) + 1) for c in count])
        if size @ np.array(xs) <= cap
    )
    assert value == pytest.approx(best, abs=1e-9)
    # the packing it returns is feasible and worth the value
    assert np.all((x >= 0) & (x <= count)) and size @ x <= cap
    assert float(r @ x) == pytest.approx(value, abs=1e-9)


def _brute_best_classes(inst, P):
    best, assignment = brute_force(inst)
    muni_of = inst.muni_index
    pairs = set()
    for u, cases in enumerate(P.unit_cases):
        code = assignment.get(inst.cases[int(cases[0])].id)
        if code is not None:
            assert all(assignment.get(inst.cases[int(i)].id) == code for i in cases)
            pairs.add((int(P.unit_class[u]), muni_of[code]))
    return best, pairs


@_settings
@given(
    seed=st.integers(0, 10_000),
    n_cases=st.integers(1, 6),
    n_munis=st.integers(1, 3),
    price_seed=st.integers(0, 1_000),
)
def test_bound_and_fixing_are_valid_at_any_prices(seed, n_cases, n_munis, price_seed):
    inst, P = random_problem(seed, n_cases, n_munis)
    best, pairs = _brute_best_classes(inst, P)
    rng = np.random.default_rng(price_seed)
    u = rng.exponential(0.5, P.K) * rng.integers(0, 2, P.K)
    lam = rng.exponential(0.3, P.cap.shape) * rng.integers(0, 2, P.cap.shape)
    kb = knapsack_bound(P, u, lam)
    assert kb.value >= best - TOL
    # every pair of an optimal assignment survives reduced-cost fixing against the optimum
    bounds = pair_bounds(P, kb)
    for k, m in pairs:
        assert bounds[k, m] >= best - TOL
    # the subgradient steps only ever visit valid bounds
    kb2 = knapsack_bound(P, u, lam, target=best, time_limit=5.0, max_rounds=30)
    assert kb2.value >= best - TOL
    # ... and so does a descent continued where an earlier call stopped
    first = knapsack_bound(P, u, lam, target=best, time_limit=5.0, max_rounds=3)
    more = knapsack_bound(P, u, lam, target=best, time_limit=5.0, max_rounds=10, start=first)
    assert best - TOL <= more.value <= first.value
    assert more.rounds >= first.rounds
    if not first.converged and first.value - best > 1e-9 * max(1.0, abs(best)):
        assert more.rounds > first.rounds


@_settings
@given(seed=st.integers(0, 10_000), n_cases=st.integers(2, 12), n_munis=st.integers(1, 4))
def test_at_the_lp_duals_it_is_never_above_the_lp(seed, n_cases, n_munis):
    inst = random_instance(seed, n_cases, n_munis)
    assume(inst is not None)
    P = compile_problem(inst)
    assume(P.K > 0)
    lp = solve_lp(P, stop_gap=0.0)
    assume(lp.proven)
    kb = knapsack_bound(P, lp.u, lp.prices.lam)
    assert kb.value <= lp.value + 1e-6


def test_fairness_is_not_covered():
    inst = generate_instance(30, seed=1, fairness_targets=True)
    inst.weights.fairness = 0.5
    P = compile_problem(inst)
    assert knapsack_bound(P, np.zeros(P.K), np.zeros(P.cap.shape)) is None


def test_it_lowers_the_bound_of_a_synthetic_year_below_the_lp():
    """Small municipalities cannot take fractions of families: on a tight synthetic instance
    the knapsack bound is strictly below the LP bound, and the solver reports it."""
    inst = generate_instance(400, seed=4, tightness=0.95)
    P = compile_problem(inst)
    lp = solve_lp(P, stop_gap=0.0)
    kb = knapsack_bound(P, lp.u, lp.prices.lam)
    assert kb.value < lp.value - 1e-3
    res = solve(inst, method="decompose", time_limit=10, explain=False)
    # subgradient steps towards a known solution's value lower it further
    stepped = knapsack_bound(P, lp.u, lp.prices.lam, target=res.objective, time_limit=10)
    assert stepped.rounds > 1 and stepped.value < kb.value - 1e-6
    if "knapsack_bound" in res.stats:
        assert res.bound <= res.stats["knapsack_bound"] + 1e-9
        assert res.stats["knapsack_bound"] < res.stats["lp_value"]
    else:  # the improvement closed the gap before the bound stage
        assert res.gap <= 1e-4
