"""Small hand-made instances for the optimiser tests."""

from __future__ import annotations

import copy

from kotopaikka.optimiser.io import registry_codes


def muni(code: str, persons: int, region: str = "01", **kw) -> dict:
    d = {"code": code, "name": f"M{code}", "region": region, "capacity": {"persons": persons}}
    if "capacity" in kw:
        d["capacity"].update(kw.pop("capacity"))
    d.update(kw)
    return d


def case(cid: str, size: int = 1, **kw) -> dict:
    members = [{"age": 30}] + [{"age": 5} for _ in range(size - 1)]
    d = {"id": cid, "members": members}
    d.update(kw)
    return d


def doc(munis: list[dict], cases: list[dict], **kw) -> dict:
    """An instance document; one with invented codes ("001", "002", ...: not municipalities
    of the registry) declares them as its own, as the format requires."""
    d = {
        "format": "kotopaikka-placement-instance",
        "version": 1,
        "name": "test",
        "municipalities": copy.deepcopy(munis),
        "cases": copy.deepcopy(cases),
    }
    if any(m["code"] not in registry_codes() for m in munis):
        d["municipality_codes"] = "own"
    d.update(kw)
    return d


def small_doc() -> dict:
    return doc(
        [
            muni("091", 6, services=["specialised_health_care"], accepts_emergency=True),
            muni("049", 4, region="02"),
            muni("092", 3),
        ],
        [
            case("A", 3, outcome=[1.0, 0.5, 0.2]),
            case("B", 1, outcome=[0.3, 0.9, 0.1]),
            case("C", 2, needs=["specialised_health_care"], outcome=[0.6, 0.6, 0.6]),
            case("D", 4, outcome=[0.4, 0.8, 0.9]),
        ],
    )
