"""An independent checker: is an assignment feasible, and what is it worth?

Written directly from the rules in docs/placement-format.md, on the plain instance objects,
without the solver's arrays (``problem``, ``compat``, ``scores``), so that the tests compare
two separate implementations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .model import Instance


@dataclass(frozen=True)
class Violation:
    kind: str  # unknown_case | unknown_municipality | need | declined | emergency | capacity
    #            | linked_split | lock_broken
    item: str
    message: str


def _use(case) -> dict[str, int]:
    n = len(case.members)
    return {
        "persons": n,
        "cases": 1,
        "large_family_dwellings": 1 if n >= 5 else 0,
        "unaccompanied_minor_places": sum(1 for m in case.members if m.unaccompanied_minor),
        "emergency_places": 1 if case.emergency else 0,
    }


def check_assignment(inst: Instance, assignment: dict[str, str]) -> list[Violation]:
    """All hard-rule violations of ``assignment`` (case id -> municipality code)."""
    out: list[Violation] = []
    cases = {c.id: c for c in inst.cases}
    munis = {m.code: m for m in inst.municipalities}
    used: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cid, code in assignment.items():
        c = cases.get(cid)
        if c is None:
            out.append(Violation("unknown_case", cid, "no such case"))
            continue
        m = munis.get(code)
        if m is None:
            out.append(Violation("unknown_municipality", cid, f"no municipality {code}"))
            continue
        needs = set(c.needs)
        if any(mem.unaccompanied_minor for mem in c.members):
            needs.add("unaccompanied_minor_housing")
        if not needs <= set(m.services):
            out.append(Violation("need", cid, f"{code} lacks {sorted(needs - set(m.services))}"))
        if code in c.declined_by:
            out.append(Violation("declined", cid, f"{code} declined {cid}"))
        if c.emergency and not m.accepts_emergency:
            out.append(Violation("emergency", cid, f"{code} takes no emergency cases"))
        for dim, v in _use(c).items():
            used[code][dim] += v
    for code, dims in sorted(used.items()):
        m = munis.get(code)
        if m is None:
            continue
        for dim, v in dims.items():
            cap = m.capacity.get(dim)
            if cap is not None and v > cap:
                out.append(Violation("capacity", code, f"{dim}: {v} > {cap}"))
    groups: dict[str, list] = defaultdict(list)
    for c in inst.cases:
        if c.linked_group is not None:
            groups[c.linked_group].append(c)
    for g, members in sorted(groups.items()):
        where = {assignment.get(c.id) for c in members}
        if len(where) > 1:
            out.append(
                Violation("linked_split", g, f"linked cases placed in {sorted(map(str, where))}")
            )
    for c in inst.cases:
        lock = c.locked_to
        if lock is None and c.linked_group is not None:
            locks = [x.locked_to for x in groups[c.linked_group] if x.locked_to]
            lock = locks[0] if locks else None
        if lock is not None and assignment.get(c.id) != lock:
            out.append(
                Violation("lock_broken", c.id, f"locked to {lock}, got {assignment.get(c.id)}")
            )
    return out


def objective_value(inst: Instance, assignment: dict[str, str]) -> float:
    """The objective of docs/placement-format.md for ``assignment``, from first principles."""
    w = inst.weights
    col = {m.code: j for j, m in enumerate(inst.municipalities)}
    region_of = {m.code: m.region for m in inst.municipalities}
    total = 0.0
    persons_by_region: dict[str, float] = defaultdict(float)
    persons_all = 0.0
    for i, c in enumerate(inst.cases):
        code = assignment.get(c.id)
        if code is None:
            continue
        out = 0.0 if inst.outcome is None else float(inst.outcome[i][col[code]])
        total += w.outcome * out
        total += w.tie * (code in c.ties) + w.wish * (code in c.wishes)
        total += w.placement * len(c.members) * c.priority + w.emergency * c.emergency
        persons_by_region[region_of[code]] += len(c.members)
        persons_all += len(c.members)
    if w.fairness > 0:
        for r in inst.regions:
            if r.target_share is not None:
                total -= w.fairness * abs(persons_by_region[r.code] - r.target_share * persons_all)
    return total
