"""Explanations name the true binding reason."""

from __future__ import annotations

import pytest

from kotopaikka.optimiser.io import load_instance
from kotopaikka.optimiser.solve import solve

from .helpers import case, doc, muni


def _solve(d):
    res = solve(load_instance(d), method="exact", time_limit=20)
    by_case = {a.case: a for a in res.assignments}
    unplaced = {u.case: u for u in res.unplaced}
    return res, by_case, unplaced


def _alt(a, code):
    return next(x for x in a.explanation.alternatives if x.municipality == code)


def test_need_not_met_and_lower_score():
    d = doc(
        [muni("001", 5, services=["specialised_health_care"]), muni("002", 5), muni("003", 5)],
        [case("A", 2, needs=["specialised_health_care"], outcome=[0.2, 0.9, 0.1])],
    )
    _, by_case, _ = _solve(d)
    a = by_case["A"]
    assert a.municipality == "001"
    alt = _alt(a, "002")
    assert alt.reason == "need_not_met" and alt.details["needs"] == ["specialised_health_care"]
    d["municipalities"][2]["services"] = ["specialised_health_care"]
    _, by_case, _ = _solve(d)
    alt = _alt(by_case["A"], "003")
    assert alt.reason == "lower_score"
    assert alt.delta == pytest.approx(-0.1, abs=1e-9)


def test_capacity_full_names_the_dimension():
    # B is worth more in 001 than A is, so A gets 002 and 001 is full in persons
    d = doc(
        [muni("001", 3), muni("002", 5)],
        [case("A", 2, outcome=[1.0, 0.5]), case("B", 3, outcome=[3.0, 0.0])],
    )
    _, by_case, _ = _solve(d)
    assert by_case["A"].municipality == "002"
    alt = _alt(by_case["A"], "001")
    assert alt.reason == "capacity_full"
    assert alt.details == {"dimension": "persons", "free": 0.0, "needed": 2.0}
    # now the binding dimension is the large-family dwelling, not persons
    d = doc(
        [muni("001", 20, capacity={"large_family_dwellings": 1}), muni("002", 20)],
        [case("A", 5, outcome=[1.0, 0.5]), case("B", 6, outcome=[3.0, 0.0])],
    )
    _, by_case, _ = _solve(d)
    alt = _alt(by_case["A"], "001")
    assert alt.reason == "capacity_full"
    assert alt.details["dimension"] == "large_family_dwellings"


def test_declined_and_emergency_and_too_large():
    d = doc(
        [
            muni("001", 9, accepts_emergency=True),
            muni("002", 9),
            muni("003", 9, accepts_emergency=True),
            muni("004", 2),
        ],
        [
            case("A", 1, declined_by=["003"], emergency=True, outcome=[0.1, 0.9, 0.8, 0.0]),
            case("B", 4, outcome=[0.1, 0.0, 0.0, 5.0]),
        ],
    )
    _, by_case, _ = _solve(d)
    assert by_case["A"].municipality == "001"
    reasons = {x.municipality: x.reason for x in by_case["A"].explanation.alternatives}
    assert reasons == {"002": "emergency_not_accepted", "003": "declined"}
    alt = _alt(by_case["B"], "004")
    assert alt.reason == "too_large" and alt.details["dimension"] == "persons"


def test_unplaced_reasons():
    d = doc(
        [muni("001", 3), muni("002", 3, services=["accessible_dwelling"])],
        [
            case("A", 1, needs=["specialised_health_care"], outcome=[1.0, 1.0]),
            case("B", 3, outcome=[2.0, 2.0]),
            case("C", 3, outcome=[1.5, 1.5]),
            case("D", 3, outcome=[1.0, 1.0]),
        ],
    )
    _res, by_case, unplaced = _solve(d)
    assert unplaced["A"].reason == "no_eligible_municipality"
    assert "specialised_health_care" in unplaced["A"].message
    assert unplaced["D"].reason == "capacity_full"
    assert unplaced["D"].details["full"] == {"persons": 2}
    assert set(by_case) == {"B", "C"}


def test_not_worth_when_weights_make_placing_worthless():
    d = doc([muni("001", 3)], [case("A", 1, outcome=[-0.5])], weights={"placement": 0.0})
    _, by_case, unplaced = _solve(d)
    assert not by_case and unplaced["A"].reason == "not_worth"


def test_locked_is_explained_as_locked():
    d = doc([muni("001", 3), muni("002", 3)], [case("A", 1, locked_to="002", outcome=[5.0, 0.0])])
    _, by_case, _ = _solve(d)
    a = by_case["A"]
    assert a.municipality == "002" and a.locked
    assert a.explanation.alternatives[0].reason == "locked"
