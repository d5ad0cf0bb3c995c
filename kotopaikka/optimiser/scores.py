"""Objective coefficients: what placing a case in a municipality is worth.

``coef[c, m] = w.outcome * outcome[c, m] + w.tie * [m in ties(c)] + w.wish * [m in wishes(c)]
+ w.placement * persons(c) * priority(c) + w.emergency * [c is an emergency case]``.
The fairness term (if any) is not per pair; it is handled by the solvers.
"""

from __future__ import annotations

import numpy as np

from .model import Instance

COMPONENTS = ("outcome", "tie", "wish", "placement", "emergency")


def coefficient_matrix(inst: Instance, *, dtype: type = np.float64) -> np.ndarray:
    """(cases × municipalities) objective coefficients (fairness excluded)."""
    w = inst.weights
    n_c, n_m = inst.n_cases, inst.n_municipalities
    if inst.outcome is not None and w.outcome != 0:
        coef = np.array(inst.outcome, dtype=dtype) * dtype(w.outcome)
    else:
        coef = np.zeros((n_c, n_m), dtype=dtype)
    sizes = np.array([c.size * c.priority for c in inst.cases], dtype=dtype)
    emerg = np.array([c.emergency for c in inst.cases], dtype=dtype)
    coef += (w.placement * sizes + w.emergency * emerg)[:, None]
    m_idx = inst.muni_index
    for i, c in enumerate(inst.cases):
        for code in c.ties:
            coef[i, m_idx[code]] += w.tie
        for code in c.wishes:
            coef[i, m_idx[code]] += w.wish
    return coef


def components(inst: Instance, case_index: int, muni_index: int) -> dict[str, float]:
    """The parts of ``coef[case, muni]`` (they add up to it)."""
    w = inst.weights
    c = inst.cases[case_index]
    code = inst.municipalities[muni_index].code
    out = 0.0 if inst.outcome is None else float(inst.outcome[case_index, muni_index])
    return {
        "outcome": w.outcome * out,
        "tie": w.tie if code in c.ties else 0.0,
        "wish": w.wish if code in c.wishes else 0.0,
        "placement": w.placement * c.size * c.priority,
        "emergency": w.emergency if c.emergency else 0.0,
    }
