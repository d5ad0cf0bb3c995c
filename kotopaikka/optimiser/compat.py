"""Hard eligibility rules: may a case go to a municipality at all?

A case may go to a municipality only if every need is among the municipality's services
(unaccompanied minors implicitly need ``unaccompanied_minor_housing``), the municipality has not
declined the case, and an emergency case goes only where emergency cases are accepted.
Capacities are checked elsewhere (they depend on the other cases).
"""

from __future__ import annotations

import numpy as np

from .model import Case, Instance, Municipality

#: Reason codes of ineligibility, in the order they are checked.
INELIGIBILITY_CODES = ("need_not_met", "declined", "emergency_not_accepted")


def ineligibility_reason(case: Case, muni: Municipality) -> tuple[str, str, dict] | None:
    """``None`` if allowed, else ``(code, message, details)`` for the first rule broken."""
    services = set(muni.services)
    missing = [n for n in case.all_needs() if n not in services]
    if missing:
        return (
            "need_not_met",
            f"{muni.code} does not offer {', '.join(missing)}",
            {"needs": missing},
        )
    if muni.code in case.declined_by:
        return ("declined", f"{muni.code} has declined case {case.id}", {})
    if case.emergency and not muni.accepts_emergency:
        return ("emergency_not_accepted", f"{muni.code} does not take emergency cases", {})
    return None


def eligibility_matrix(inst: Instance) -> np.ndarray:
    """Boolean (cases × municipalities) matrix of the hard rules, vectorised."""
    n_c, n_m = inst.n_cases, inst.n_municipalities
    out = np.ones((n_c, n_m), dtype=bool)
    service_sets = [set(m.services) for m in inst.municipalities]
    need_mask_cache: dict[tuple[str, ...], np.ndarray] = {}
    accepts = np.array([m.accepts_emergency for m in inst.municipalities], dtype=bool)
    m_idx = inst.muni_index
    for i, c in enumerate(inst.cases):
        needs = c.all_needs()
        if needs:
            mask = need_mask_cache.get(needs)
            if mask is None:
                mask = np.array([all(n in s for n in needs) for s in service_sets], dtype=bool)
                need_mask_cache[needs] = mask
            out[i] &= mask
        if c.emergency:
            out[i] &= accepts
        for code in c.declined_by:
            out[i, m_idx[code]] = False
    return out
