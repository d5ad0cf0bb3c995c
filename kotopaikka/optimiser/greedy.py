"""The manual baseline: first come, first served, to the municipality with most free places.

Cases are taken in order of ``available_from`` (then id); a linked group is placed when its
first case comes up. Each goes, among the municipalities it may go to and where it fits in
every capacity dimension, to the one with the most free persons places (ties: the first in the instance's list).
Scores play no part: this is what a case worker without the optimiser would do.
"""

from __future__ import annotations

import numpy as np

from .model import PERSONS
from .problem import Problem


def unit_order(P: Problem) -> list[int]:
    """Free units in first-come-first-served order."""
    cases = P.inst.cases

    def key(u: int):
        first = min(P.unit_cases[u], key=lambda i: (cases[i].available_from or "", cases[i].id))
        return (cases[first].available_from or "9999", cases[first].id)

    return sorted(range(P.U), key=key)


def greedy_units(
    P: Problem, order: list[int] | None = None, cap: np.ndarray | None = None
) -> np.ndarray:
    """Municipality index per free unit (-1 = unplaced) by the baseline rule."""
    free = (P.cap if cap is None else cap).copy()
    out = np.full(P.U, -1, dtype=np.int64)
    for u in order if order is not None else unit_order(P):
        k = P.unit_class[u]
        fits = P.E[k] & np.all(P.A[k][None, :] <= free + 1e-9, axis=1)
        if not fits.any():
            continue
        room = np.where(fits, free[:, PERSONS], -np.inf)
        j = int(np.argmax(room))  # the first among ties
        out[u] = j
        free[j] -= P.A[k]
    return out
