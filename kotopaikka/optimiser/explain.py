"""Explanations a case worker can read.

For every proposed assignment: the parts of its score, and the two best *other*
municipalities (highest objective coefficient for this case) with the reason each was not
chosen, checked in this order:

1. a hard rule: ``need_not_met`` (which needs), ``declined``, ``emergency_not_accepted``;
   for linked cases the rule broken by any case of the group;
2. ``too_large``: the case (or group) needs more than the municipality's whole capacity;
3. if the alternative scores at least as high: ``capacity_full`` naming the dimension that
   is full in the proposed assignment (free places vs. what the case needs), or, if it would
   fit, ``fairness`` (moving would cost more in the regional balance than it gains) or
   ``within_gap`` (the proposal is not proven optimal and this move would gain that much);
4. otherwise ``lower_score`` by how much.

For every unplaced case, the binding reason: ``no_eligible_municipality`` (no municipality
meets the hard rules; counts per rule), ``too_large`` (allowed municipalities are all too
small), ``capacity_full`` (every allowed municipality is full; the dimensions that bind),
``not_worth`` (allowed places are free but placing is worth nothing under the weights) or
``within_gap`` (a free allowed place was left unused; possible only in a non-optimal result).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .compat import ineligibility_reason
from .model import DIMENSIONS, Alternative, Explanation, Instance, Result, Unplaced
from .problem import Problem
from .scores import components

_RULE_TEXT = {
    "need_not_met": "need not met",
    "declined": "declined the case",
    "emergency_not_accepted": "takes no emergency cases",
}


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def explain_result(
    res: Result,
    inst: Instance,
    *,
    P: Problem,
    unit_muni: np.ndarray,
    top: int = 2,
) -> None:
    """Fill ``res.assignments[*].explanation`` and ``res.unplaced`` in place."""
    codes = [m.code for m in inst.municipalities]
    cap = inst.capacity_matrix()
    demand = inst.demand_matrix().astype(float)
    used = np.zeros_like(cap)
    case_muni = np.full(inst.n_cases, -1, dtype=np.int64)
    for i, j in P.locked.items():
        case_muni[i] = j
    for u, cases in enumerate(P.unit_cases):
        case_muni[cases] = unit_muni[u]
    placed = case_muni >= 0
    np.add.at(used, case_muni[placed], demand[placed])
    free = cap - used
    unit_of_case = np.full(inst.n_cases, -1, dtype=np.int64)
    for u, cases in enumerate(P.unit_cases):
        unit_of_case[cases] = u
    gap_open = res.bound - res.objective > 1e-9 * max(1.0, abs(res.bound))
    fairness = P.has_fairness
    persons_m = used[:, 0]

    def fairness_delta(size: float, j_from: int, j_to: int) -> float:
        if not fairness:
            return 0.0

        def pen(pm: np.ndarray) -> float:
            return float(P.rho * np.abs(P.region_persons(pm) - P.target * pm.sum()).sum())

        after = persons_m.copy()
        if j_from >= 0:
            after[j_from] -= size
        after[j_to] += size
        return pen(persons_m) - pen(after)

    def group_cases(i: int) -> list[int]:
        u = unit_of_case[i]
        return [i] if u < 0 else [int(x) for x in P.unit_cases[u]]

    def group_coef(i: int) -> np.ndarray:
        """Coefficients of a free case's unit (locked cases are explained before this)."""
        return P.W[P.unit_class[unit_of_case[i]]]

    def rule(cases: list[int], j: int) -> tuple[str, str, dict] | None:
        for i in cases:
            why = ineligibility_reason(inst.cases[i], inst.municipalities[j])
            if why is not None:
                code, msg, det = why
                if len(cases) > 1:
                    msg = f"for linked case {inst.cases[i].id}: {msg}"
                    det = {**det, "case": inst.cases[i].id}
                return code, msg, det
        return None

    def capacity_problem(need: np.ndarray, j: int, room: np.ndarray) -> tuple[str, dict] | None:
        for d, dim in enumerate(DIMENSIONS):
            if need[d] > 0 and need[d] > room[d] + 1e-9:
                return dim, {
                    "dimension": dim,
                    "free": float(max(room[d], 0)),
                    "needed": float(need[d]),
                }
        return None

    by_case = {a.case: a for a in res.assignments}
    index = inst.case_index
    for a in res.assignments:
        i = index[a.case]
        j = int(case_muni[i])
        cases = group_cases(i)
        need = demand[cases].sum(axis=0)
        comp = components(inst, i, j)
        if a.locked:
            a.explanation = Explanation(
                comp,
                [
                    Alternative(
                        a.municipality,
                        a.coefficient,
                        0.0,
                        "locked",
                        "already accepted (locked); kept as it is",
                        {},
                    )
                ],
            )
            continue
        row = group_coef(i)
        chosen = float(row[j])
        order = np.argsort(-row, kind="stable")
        alts: list[Alternative] = []
        for jj in order:
            if len(alts) >= top:
                break
            jj = int(jj)
            if jj == j:
                continue
            c2 = float(row[jj])
            delta = c2 - chosen

            def add(
                code: str, msg: str, det: dict | None = None, c2=c2, delta=delta, jj=jj, alts=alts
            ):
                alts.append(Alternative(codes[jj], c2, delta, code, msg, det or {}))

            why = rule(cases, jj)
            if why is not None:
                code, msg, det = why
                add(code, msg, det)
                continue
            too = capacity_problem(need, jj, cap[jj])
            if too is not None:
                dim, det = too
                add(
                    "too_large",
                    f"needs {_fmt(det['needed'])} {dim}, the whole capacity is {_fmt(det['free'])}",
                    det,
                )
                continue
            if delta >= -1e-12:
                full = capacity_problem(need, jj, free[jj])
                if full is not None:
                    dim, det = full
                    add(
                        "capacity_full",
                        f"{dim} full: {_fmt(det['free'])} free, needs {_fmt(det['needed'])}",
                        det,
                    )
                    continue
                fd = fairness_delta(need[0], j, jj)
                if delta + fd <= 1e-12 and fairness:
                    add(
                        "fairness",
                        f"scores {_fmt(delta)} more but would cost {_fmt(-fd)} in regional balance",
                        {"fairness_change": fd},
                    )
                elif abs(delta) <= 1e-12:
                    add("equal_score", "scores the same; either would do", {})
                else:
                    add(
                        "within_gap",
                        f"would score {_fmt(delta)} more and has room; "
                        f"the proposal is within its proven gap" + ("" if gap_open else " (check)"),
                        {},
                    )
                continue
            add("lower_score", f"scores {_fmt(-delta)} less", {})
        a.explanation = Explanation(comp, alts)

    unplaced = []
    for i, c in enumerate(inst.cases):
        if c.id in by_case:
            continue
        cases = group_cases(i)
        need = demand[cases].sum(axis=0)
        row = group_coef(i)
        rules: Counter = Counter()
        allowed: list[int] = []
        for j in range(inst.n_municipalities):
            why = rule(cases, j)
            if why is None:
                allowed.append(j)
            else:
                key = (
                    why[0]
                    if why[0] != "need_not_met"
                    else "need_not_met:" + ",".join(why[2]["needs"])
                )
                rules[key] += 1
        group = f" (linked group {c.linked_group})" if len(cases) > 1 else ""
        if not allowed:
            parts = [f"{k.replace(':', ' ')} at {n}" for k, n in sorted(rules.items())]
            unplaced.append(
                Unplaced(
                    c.id,
                    "no_eligible_municipality",
                    f"no municipality meets the hard rules{group}: " + "; ".join(parts),
                    {"rules": dict(sorted(rules.items()))},
                )
            )
            continue
        fitting = [j for j in allowed if capacity_problem(need, j, cap[j]) is None]
        if not fitting:
            unplaced.append(
                Unplaced(
                    c.id,
                    "too_large",
                    f"all {len(allowed)} allowed municipalities are too small for the case{group}",
                    {"allowed": len(allowed)},
                )
            )
            continue
        room = [j for j in fitting if capacity_problem(need, j, free[j]) is None]
        if not room:
            dims = Counter(capacity_problem(need, j, free[j])[0] for j in fitting)
            text = ", ".join(f"{d} at {n}" for d, n in dims.most_common())
            unplaced.append(
                Unplaced(
                    c.id,
                    "capacity_full",
                    f"every allowed municipality is full{group}: {text}",
                    {"full": dict(dims.most_common()), "allowed": len(fitting)},
                )
            )
            continue
        best = max(room, key=lambda j: row[j])
        if row[best] <= 1e-12:
            unplaced.append(
                Unplaced(
                    c.id,
                    "not_worth",
                    f"free places exist but placing scores {_fmt(row[best])} "
                    f"under the policy weights{group}",
                    {"best": codes[best], "coefficient": float(row[best])},
                )
            )
            continue
        fd = fairness_delta(need[0], -1, best)
        if fairness and row[best] + fd <= 1e-12:
            unplaced.append(
                Unplaced(
                    c.id,
                    "fairness",
                    f"placing would cost more in regional balance than it gains{group}",
                    {"best": codes[best]},
                )
            )
            continue
        unplaced.append(
            Unplaced(
                c.id,
                "within_gap",
                f"{codes[best]} has room and would add {_fmt(row[best])}; the "
                f"proposal is within its proven gap{group}",
                {"best": codes[best], "coefficient": float(row[best])},
            )
        )
    res.unplaced = unplaced


def explain_case(res: Result, case_id: str) -> str:
    """A readable text for one case of a result (as the CLI's ``explain`` prints it)."""
    for a in res.assignments:
        if a.case == case_id:
            lines = [
                f"Case {case_id}: proposed municipality {a.municipality}"
                + (" (locked)" if a.locked else "")
            ]
            if a.explanation:
                parts = ", ".join(
                    f"{k} {_fmt(v)}" for k, v in a.explanation.components.items() if v
                )
                lines.append(f"  score {_fmt(a.coefficient)} = {parts or '0'}")
                for k, alt in enumerate(a.explanation.alternatives, 1):
                    sc = "" if alt.coefficient is None else f" (score {_fmt(alt.coefficient)})"
                    lines.append(
                        f"  alternative {k}: {alt.municipality}{sc}: {alt.message} [{alt.reason}]"
                    )
            return "\n".join(lines)
    for u in res.unplaced:
        if u.case == case_id:
            return f"Case {case_id}: not placed: {u.message} [{u.reason}]"
    raise KeyError(case_id)
