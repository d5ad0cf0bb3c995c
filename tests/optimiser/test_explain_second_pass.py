"""Explanations a case worker can act on: the alternatives are the case's own best other
municipalities, a lower score names its component, a linked group is explained as one, and
an unplaced case says what change would place it. Real municipality codes throughout."""

from __future__ import annotations

import numpy as np
import pytest

from kotopaikka.optimiser.io import load_instance
from kotopaikka.optimiser.scores import coefficient_matrix
from kotopaikka.optimiser.solve import solve
from kotopaikka.optimiser.synthetic import generate_instance

from .helpers import case, doc, muni


def _solve(d):
    inst = load_instance(d)
    res = solve(inst, method="exact", time_limit=20)
    return inst, {a.case: a for a in res.assignments}, {u.case: u for u in res.unplaced}


@pytest.mark.parametrize("seed", [1, 2])
def test_the_alternatives_are_the_highest_scoring_other_municipalities(seed):
    inst = generate_instance(60, seed=seed, scores="truth")
    res = solve(inst, time_limit=20, seed=seed)
    coef = coefficient_matrix(inst)
    codes = [m.code for m in inst.municipalities]
    seen = set()
    for a in res.assignments:
        if a.locked or inst.cases[inst.case_index[a.case]].linked_group:
            continue
        row = coef[inst.case_index[a.case]].copy()
        row[codes.index(a.municipality)] = -np.inf
        best_two = [codes[j] for j in np.argsort(-row, kind="stable")[:2]]
        got = [alt.municipality for alt in a.explanation.alternatives]
        assert got == best_two, a.case
        # and their scores are the coefficients, best first
        assert [alt.coefficient for alt in a.explanation.alternatives] == pytest.approx(
            sorted(row[[codes.index(c) for c in best_two]], reverse=True)
        )
        seen.add(tuple(got))
    assert len(seen) > 1  # the alternatives differ between cases


def test_a_lower_score_names_the_component_it_loses_in():
    d = doc(
        [muni("091", 9), muni("049", 9), muni("092", 9)],
        [case("A", 1, ties=["049"], wishes=["091"], outcome=[1.0, 0.5, 0.95])],
    )
    _, by_case, _ = _solve(d)
    a = by_case["A"]
    assert a.municipality == "091"  # 1.0 + 0.1 wish > 0.5 + 0.3 tie, > 0.95
    alts = {x.municipality: x for x in a.explanation.alternatives}
    assert alts["092"].reason == "lower_score"
    assert alts["092"].details["component"] == "wish"
    assert alts["092"].details["component_difference"] == pytest.approx(-0.1)
    assert alts["049"].details["component"] == "outcome"
    assert alts["049"].details["by"] == pytest.approx(0.3)
    assert alts["049"].details["differences"]["tie"] == pytest.approx(0.3)


def test_a_linked_group_is_explained_as_one():
    # the group (2 + 3 persons) fits only in 091; 049 has 4 places, enough for either case
    d = doc(
        [muni("091", 6), muni("049", 4)],
        [
            case("A", 2, linked_group="G1", outcome=[0.1, 2.0]),
            case("B", 3, linked_group="G1", outcome=[0.1, 2.0]),
        ],
    )
    _, by_case, _ = _solve(d)
    a = by_case["A"]
    assert a.municipality == "091"
    assert a.explanation.group == {
        "id": "G1",
        "cases": 2,
        "persons": 5,
        "score": pytest.approx(a.explanation.group["score"]),
        "components": pytest.approx(a.explanation.group["components"]),
    }
    assert a.explanation.group["components"]["outcome"] == pytest.approx(0.2)
    alt = a.explanation.alternatives[0]
    assert alt.municipality == "049" and alt.reason == "too_large"
    assert alt.details["needed"] == 5 and alt.details["free"] == 4
    assert alt.details["linked_group"] == "G1" and alt.details["group_cases"] == 2


def test_a_full_municipality_names_places_left_and_needed_and_the_group():
    d = doc(
        [muni("091", 8), muni("049", 6)],
        [
            case("X", 4, outcome=[0.0, 5.0]),  # takes 049 first (worth more there)
            case("A", 2, linked_group="G2", outcome=[0.0, 1.0]),
            case("B", 1, linked_group="G2", outcome=[0.0, 1.0]),
        ],
    )
    _, by_case, _ = _solve(d)
    assert by_case["X"].municipality == "049" and by_case["A"].municipality == "091"
    alt = next(x for x in by_case["A"].explanation.alternatives if x.municipality == "049")
    assert alt.reason == "capacity_full"
    assert alt.details == {
        "dimension": "persons",
        "free": 2.0,
        "needed": 3.0,
        "linked_group": "G2",
        "group_cases": 2,
    }


def test_an_unplaced_case_says_how_many_more_places_where_would_place_it():
    d = doc(
        [muni("091", 3), muni("049", 4)],
        [
            case("A", 3, outcome=[2.0, 2.0]),
            case("B", 4, outcome=[2.0, 2.0]),
            case("C", 2, outcome=[1.0, 1.5]),
        ],
    )
    _, _, unplaced = _solve(d)
    fix = unplaced["C"].details["fix"]
    # 091 and 049 are both full (0 left each): two more in either places it; the better one
    assert fix == {"kind": "more_places", "municipality": "049", "dimension": "persons", "more": 2}
    assert "2 more persons in 049" in unplaced["C"].message


def test_an_unplaced_case_says_which_service_added_where_would_place_it():
    d = doc(
        [muni("091", 3, services=["accessible_dwelling"]), muni("049", 4), muni("092", 1)],
        [case("A", 2, needs=["specialised_health_care"], outcome=[1.0, 1.5, 3.0])],
    )
    _, _, unplaced = _solve(d)
    u = unplaced["A"]
    assert u.reason == "no_eligible_municipality"
    # 092 scores best but has no room; 049 has room and lacks only the need
    assert u.details["fix"] == {
        "kind": "add_service",
        "municipality": "049",
        "needs": ["specialised_health_care"],
        "accept_emergency": False,
    }


def test_the_cli_text_says_what_would_place_an_unplaced_case():
    from kotopaikka.optimiser.explain import explain_case

    d = doc(
        [muni("091", 3, services=["accessible_dwelling"]), muni("049", 4)],
        [case("A", 2, needs=["specialised_health_care"], outcome=[1.0, 1.5])],
    )
    inst = load_instance(d)
    res = solve(inst, method="exact", time_limit=20)
    text = explain_case(res, "A")
    assert "not placed" in text
    assert "what would place it: 049, if it offered specialised_health_care" in text
