"""Random small instances (for property-based tests) and a brute-force optimum."""

from __future__ import annotations

import itertools

import numpy as np

from kotopaikka.optimiser.errors import InstanceError
from kotopaikka.optimiser.feasibility import check_assignment, objective_value
from kotopaikka.optimiser.io import load_instance
from kotopaikka.optimiser.model import Instance

NEEDS = ["specialised_health_care", "accessible_dwelling"]


def random_doc(
    seed: int,
    n_cases: int,
    n_munis: int,
    *,
    fairness: bool = False,
    locks: bool = True,
    links: bool = True,
) -> dict:
    rng = np.random.default_rng(seed)
    codes = [f"{100 + 7 * j:03d}" for j in range(n_munis)]
    munis = []
    for j, code in enumerate(codes):
        cap = {"persons": int(rng.integers(0, 9))}
        if rng.random() < 0.3:
            cap["cases"] = int(rng.integers(0, 3))
        if rng.random() < 0.3:
            cap["large_family_dwellings"] = int(rng.integers(0, 2))
        if rng.random() < 0.3:
            cap["unaccompanied_minor_places"] = int(rng.integers(0, 2))
        if rng.random() < 0.3:
            cap["emergency_places"] = int(rng.integers(0, 2))
        munis.append(
            {
                "code": code,
                "region": f"R{j % 2}",
                "capacity": cap,
                "services": [
                    n for n in [*NEEDS, "unaccompanied_minor_housing"] if rng.random() < 0.6
                ],
                "accepts_emergency": bool(rng.random() < 0.6),
            }
        )
    munis[0]["capacity"]["persons"] = 9  # every case fits somewhere by size
    cases = []
    for i in range(n_cases):
        size = int(rng.choice([1, 1, 2, 3, 5, 6]))
        uam = size == 1 and rng.random() < 0.15
        members = [{"age": 16 if uam else 30, "unaccompanied_minor": uam}]
        members += [{"age": 4} for _ in range(size - 1)]
        c = {
            "id": f"c{i}",
            "members": members,
            "needs": [n for n in NEEDS if rng.random() < 0.2],
            "emergency": bool(rng.random() < 0.15),
            "outcome": [round(float(v), 3) for v in rng.uniform(-0.2, 2.0, n_munis)],
        }
        if rng.random() < 0.25:
            c["ties"] = [codes[int(rng.integers(n_munis))]]
        if rng.random() < 0.2:
            c["wishes"] = [codes[int(rng.integers(n_munis))]]
        if rng.random() < 0.15:
            c["declined_by"] = [codes[int(rng.integers(n_munis))]]
        cases.append(c)
    if links and n_cases >= 2 and rng.random() < 0.5:
        a, b = rng.choice(n_cases, 2, replace=False)
        cases[a]["linked_group"] = cases[b]["linked_group"] = "G1"
    doc = {
        "format": "kotopaikka-placement-instance",
        "version": 1,
        "name": f"rand{seed}",
        "municipality_codes": "own",  # invented codes (100, 107, ...), not the registry's
        "municipalities": munis,
        "cases": cases,
        "weights": {
            "outcome": 1.0,
            "tie": 0.3,
            "wish": 0.1,
            "placement": float(rng.choice([0.0, 0.1])),
            "emergency": 0.5,
            "fairness": 0.4 if fairness else 0.0,
        },
    }
    if fairness:
        doc["regions"] = [{"code": "R0", "target_share": 0.5}, {"code": "R1", "target_share": 0.5}]
    if locks and rng.random() < 0.5:
        cases[int(rng.integers(n_cases))]["locked_to"] = codes[int(rng.integers(n_munis))]
    return doc


def random_instance(seed: int, n_cases: int, n_munis: int, **kw) -> Instance | None:
    """A random valid instance, or None when the draw broke a rule (e.g. an infeasible lock)."""
    doc = random_doc(seed, n_cases, n_munis, **kw)
    try:
        return load_instance(doc)
    except InstanceError:
        for c in doc["cases"]:
            c.pop("locked_to", None)
        try:
            return load_instance(doc)
        except InstanceError:
            return None


def brute_force(inst: Instance) -> tuple[float, dict[str, str]]:
    """The optimum by enumerating every assignment (tiny instances only)."""
    options = [None] + [m.code for m in inst.municipalities]
    best, best_a = -np.inf, {}
    ids = [c.id for c in inst.cases]
    for combo in itertools.product(options, repeat=len(ids)):
        a = {cid: code for cid, code in zip(ids, combo, strict=True) if code is not None}
        if check_assignment(inst, a):
            continue
        v = objective_value(inst, a)
        if v > best + 1e-12:
            best, best_a = v, a
    return best, best_a


def random_problem(seed: int, n_cases: int, n_munis: int, **kw):
    """(instance, compiled problem) for a hypothesis test; examples without a valid instance
    or with nothing to decide are rejected (``assume``)."""
    from hypothesis import assume

    from kotopaikka.optimiser.problem import compile_problem

    inst = random_instance(seed, n_cases, n_munis, **kw)
    assume(inst is not None)
    P = compile_problem(inst)
    assume(P.K > 0)
    return inst, P
