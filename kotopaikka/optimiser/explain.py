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
Each unplaced case's ``details["fix"]`` names the change that would place it: ``more_places``
(so many more places of a dimension in the municipality where the fewest are missing),
``add_service`` (a municipality with room that would have to offer the named needs or take
emergency cases), ``policy`` (the weights make placing worthless) or ``run_longer``.

Reasons are codes with parameters (``details``) so that the app can render them in the user's
language; ``message`` is the English text the CLI prints. A linked group is explained as one:
its alternatives' scores and capacity figures are the group's, and ``Explanation.group`` says so.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .compat import eligibility_matrix, ineligibility_reason
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

    def summed_components(cases: list[int], j: int) -> dict[str, float]:
        total: dict[str, float] = {}
        for i in cases:
            for k, v in components(inst, i, j).items():
                total[k] = total.get(k, 0.0) + v
        return total

    def group_info(cases: list[int], j: int, score: float) -> dict | None:
        if len(cases) < 2:
            return None
        return {
            "id": inst.cases[cases[0]].linked_group,
            "cases": len(cases),
            "persons": int(demand[cases, 0].sum()),
            "score": score,
            "components": summed_components(cases, j),
        }

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
        chosen_parts = summed_components(cases, j)
        linked = len(cases) > 1
        group_det = (
            {"linked_group": inst.cases[i].linked_group, "group_cases": len(cases)}
            if linked
            else {}
        )
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
                    f"needs {_fmt(det['needed'])} {dim}, the whole capacity is {_fmt(det['free'])}"
                    + (f" (linked group {inst.cases[i].linked_group})" if linked else ""),
                    {**det, **group_det},
                )
                continue
            if delta >= -1e-12:
                full = capacity_problem(need, jj, free[jj])
                if full is not None:
                    dim, det = full
                    add(
                        "capacity_full",
                        f"{dim} full: {_fmt(det['free'])} free, needs {_fmt(det['needed'])}"
                        + (
                            f" (linked group {inst.cases[i].linked_group} would not fit together)"
                            if linked
                            else ""
                        ),
                        {**det, **group_det},
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
            parts = summed_components(cases, jj)
            by_part = {k: parts[k] - chosen_parts.get(k, 0.0) for k in parts}
            worst = min(by_part, key=lambda k: (by_part[k], k))
            add(
                "lower_score",
                f"scores {_fmt(-delta)} less (in {worst}: {_fmt(by_part[worst])})",
                {
                    "by": -delta,
                    "component": worst,
                    "component_difference": by_part[worst],
                    "differences": by_part,
                },
            )
        a.explanation = Explanation(comp, alts, group_info(cases, j, chosen))

    def first_short(need: np.ndarray, room: np.ndarray) -> np.ndarray:
        """(M,) for each municipality the first dimension whose room is short of the need,
        -1 where it fits (``room`` is each municipality's free or whole capacity)."""
        short = (need[None, :] > room + 1e-9) & (need > 0)[None, :]
        return np.where(short.any(axis=1), short.argmax(axis=1), -1)

    def more_places(candidates: np.ndarray, need: np.ndarray, room: np.ndarray, row) -> dict:
        """The change that places the case: the fewest places added in one municipality of
        ``candidates`` (a mask), the best-scoring on a tie, then the lowest index."""
        short = first_short(need, room)
        cand = np.flatnonzero(candidates & (short >= 0))
        if len(cand) == 0:
            return {}
        pos = need > 0
        extra = np.maximum(0.0, need[None, pos] - room[cand][:, pos]).sum(axis=1)
        j = int(cand[np.lexsort((cand, -row[cand], extra))[0]])
        d = int(short[j])
        return {
            "kind": "more_places",
            "municipality": codes[j],
            "dimension": DIMENSIONS[d],
            "more": float(need[d] - max(room[j, d], 0.0)),
        }

    def service_fix(cases: list[int], need: np.ndarray, row: np.ndarray) -> dict:
        """A municipality with room that breaks only rules it could change (a service it does
        not offer, emergency cases it does not take): the fewest changes, then the best score."""
        best: tuple | None = None
        for j in range(inst.n_municipalities):
            if capacity_problem(need, j, free[j]) is not None:
                continue
            needs: set[str] = set()
            emergency = False
            fixable = True
            for i in cases:
                c, m = inst.cases[i], inst.municipalities[j]
                if m.code in c.declined_by:
                    fixable = False
                    break
                needs |= {n for n in c.all_needs() if n not in m.services}
                emergency |= c.emergency and not m.accepts_emergency
            if not fixable:
                continue
            key = (len(needs) + emergency, -float(row[j]), j)
            if best is None or key < best[0]:
                best = (key, j, sorted(needs), emergency)
        if best is None:
            return {}
        _, j, needs, emergency = best
        return {
            "kind": "add_service",
            "municipality": codes[j],
            "needs": needs,
            "accept_emergency": emergency,
        }

    unplaced = []
    eligible = eligibility_matrix(inst) if len(res.assignments) < inst.n_cases else None
    for i, c in enumerate(inst.cases):
        if c.id in by_case:
            continue
        cases = group_cases(i)
        need = demand[cases].sum(axis=0)
        row = group_coef(i)
        allowed = eligible[cases].all(axis=0)  # (M,) the hard rules, for the whole group
        rules: Counter = Counter()
        if not allowed.any():  # which rules, how often (only here: a loop over municipalities)
            for j in range(inst.n_municipalities):
                why = rule(cases, j)
                key = (
                    why[0]
                    if why[0] != "need_not_met"
                    else "need_not_met:" + ",".join(why[2]["needs"])
                )
                rules[key] += 1
        linked = len(cases) > 1
        group = f" (linked group {c.linked_group})" if linked else ""
        group_det = (
            {
                "linked_group": c.linked_group,
                "group_cases": len(cases),
                "group_persons": int(need[0]),
            }
            if linked
            else {}
        )
        if not allowed.any():
            parts = [f"{k.replace(':', ' ')} at {n}" for k, n in sorted(rules.items())]
            unplaced.append(
                Unplaced(
                    c.id,
                    "no_eligible_municipality",
                    f"no municipality meets the hard rules{group}: " + "; ".join(parts),
                    {
                        "rules": dict(sorted(rules.items())),
                        "fix": service_fix(cases, need, row),
                        **group_det,
                    },
                )
            )
            continue
        fitting = allowed & (first_short(need, cap) < 0)
        if not fitting.any():
            n_allowed = int(allowed.sum())
            unplaced.append(
                Unplaced(
                    c.id,
                    "too_large",
                    f"all {n_allowed} allowed municipalities are too small for the case{group}",
                    {
                        "allowed": n_allowed,
                        "fix": more_places(allowed, need, cap, row),
                        **group_det,
                    },
                )
            )
            continue
        short_now = first_short(need, free)
        room = np.flatnonzero(fitting & (short_now < 0))
        if len(room) == 0:
            # the dimension that binds in each fitting municipality, most frequent first (ties:
            # in the order first met, as Counter.most_common keeps them)
            dims = Counter(DIMENSIONS[d] for d in short_now[fitting])
            text = ", ".join(f"{d} at {n}" for d, n in dims.most_common())
            fix = more_places(fitting, need, free, row)
            unplaced.append(
                Unplaced(
                    c.id,
                    "capacity_full",
                    f"every allowed municipality is full{group}: {text}; "
                    f"{_fmt(fix['more'])} more {fix['dimension']} in {fix['municipality']} "
                    "would place it",
                    {
                        "full": dict(dims.most_common()),
                        "allowed": int(fitting.sum()),
                        "fix": fix,
                        **group_det,
                    },
                )
            )
            continue
        best = int(room[np.argmax(row[room])])
        if row[best] <= 1e-12:
            unplaced.append(
                Unplaced(
                    c.id,
                    "not_worth",
                    f"free places exist but placing scores {_fmt(row[best])} "
                    f"under the policy weights{group}",
                    {
                        "best": codes[best],
                        "coefficient": float(row[best]),
                        "fix": {"kind": "policy"},
                        **group_det,
                    },
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
                    {"best": codes[best], "fix": {"kind": "policy"}, **group_det},
                )
            )
            continue
        unplaced.append(
            Unplaced(
                c.id,
                "within_gap",
                f"{codes[best]} has room and would add {_fmt(row[best])}; the "
                f"proposal is within its proven gap{group}",
                {
                    "best": codes[best],
                    "coefficient": float(row[best]),
                    "fix": {"kind": "run_longer"},
                    **group_det,
                },
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
            fix = fix_text(u.details.get("fix") or {})
            return f"Case {case_id}: not placed: {u.message} [{u.reason}]" + (
                f"\n  what would place it: {fix}" if fix else ""
            )
    raise KeyError(case_id)


def fix_text(fix: dict) -> str:
    """The English text of an unplaced case's ``details["fix"]`` (the app translates it)."""
    kind = fix.get("kind")
    if kind == "more_places":
        return f"{_fmt(fix['more'])} more {fix['dimension']} in {fix['municipality']}"
    if kind == "add_service":
        changes = [f"offered {', '.join(fix['needs'])}"] if fix.get("needs") else []
        if fix.get("accept_emergency"):
            changes.append("took emergency cases")
        return f"{fix['municipality']}, if it {' and '.join(changes)}"
    if kind == "policy":
        return "policy weights that value placing it"
    if kind == "run_longer":
        return "a longer run"
    return ""
