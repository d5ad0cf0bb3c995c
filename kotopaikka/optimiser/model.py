"""Plain data classes for placement instances and results (no Django, no solver code).

Capacity is counted in several *dimensions* (:data:`DIMENSIONS`), persons first. A case's
demand in each dimension follows from its members (:meth:`Case.demand`). A capacity of
``None`` means "no separate limit in this dimension".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FORMAT_INSTANCE = "kotopaikka-placement-instance"
FORMAT_RESULT = "kotopaikka-placement-result"
FORMAT_VERSION = 1

#: Capacity dimensions, in this order everywhere (arrays, JSON objects, tables).
DIMENSIONS: tuple[str, ...] = (
    "persons",
    "cases",
    "large_family_dwellings",
    "unaccompanied_minor_places",
    "emergency_places",
)
PERSONS, CASES, LARGE, UAM, EMERGENCY = range(len(DIMENSIONS))

#: A case with at least this many members needs a dwelling for a large family.
LARGE_FAMILY_SIZE = 5

#: Needs with a documented meaning. Other lower-case codes are allowed; a need is met only by a
#: municipality that lists the same code among its services.
STANDARD_NEEDS: tuple[str, ...] = (
    "specialised_health_care",
    "accessible_dwelling",
    "unaccompanied_minor_housing",
    "swedish_schooling",
)
#: Added implicitly to the needs of a case with an unaccompanied minor.
UAM_NEED = "unaccompanied_minor_housing"

#: Working age used by the outcome scores (members outside it count 0 employment).
WORKING_AGE = (18, 64)


@dataclass(slots=True)
class Member:
    age: int
    sex: str | None = None
    education_years: int | None = None
    work_experience_years: int | None = None
    languages: tuple[str, ...] = ()
    literate: bool | None = None
    unaccompanied_minor: bool = False

    @property
    def working_age(self) -> bool:
        return WORKING_AGE[0] <= self.age <= WORKING_AGE[1]


@dataclass(slots=True)
class Case:
    id: str
    members: list[Member]
    needs: tuple[str, ...] = ()
    ties: tuple[str, ...] = ()
    wishes: tuple[str, ...] = ()
    available_from: str | None = None
    emergency: bool = False
    declined_by: tuple[str, ...] = ()
    linked_group: str | None = None
    locked_to: str | None = None
    source: str | None = None
    #: multiplies the placement term (a placement policy's weight for waiting time, say);
    #: 1 = every person placed is worth the same
    priority: float = 1.0

    @property
    def size(self) -> int:
        return len(self.members)

    def all_needs(self) -> tuple[str, ...]:
        """Explicit needs plus the implicit need of unaccompanied minors, sorted."""
        needs = set(self.needs)
        if any(m.unaccompanied_minor for m in self.members):
            needs.add(UAM_NEED)
        return tuple(sorted(needs))

    def demand(self) -> tuple[int, ...]:
        """Use of each capacity dimension (same order as :data:`DIMENSIONS`)."""
        n = len(self.members)
        return (
            n,
            1,
            1 if n >= LARGE_FAMILY_SIZE else 0,
            sum(1 for m in self.members if m.unaccompanied_minor),
            1 if self.emergency else 0,
        )


@dataclass(slots=True)
class Municipality:
    code: str
    name: str
    region: str
    capacity: dict[str, int | None]
    services: tuple[str, ...] = ()
    accepts_emergency: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)

    def capacity_vector(self) -> tuple[float, ...]:
        """Capacity per dimension; ``math.inf`` where there is no separate limit."""
        out = []
        for d in DIMENSIONS:
            v = self.capacity.get(d)
            out.append(math.inf if v is None else float(v))
        return tuple(out)


@dataclass(slots=True)
class Region:
    code: str
    name: str = ""
    target_share: float | None = None


@dataclass(slots=True)
class Weights:
    """Policy weights of the objective (see docs/placement-format.md, "Objective")."""

    outcome: float = 1.0  # per unit of predicted outcome (e.g. expected employed adults)
    tie: float = 0.3  # per case placed where it has a tie (relatives, friends)
    wish: float = 0.1  # per case placed where it wished to go
    placement: float = 0.1  # per person placed at all
    emergency: float = 1.0  # per emergency case placed
    fairness: float = 0.0  # per person of deviation from a region's target share

    def to_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


@dataclass
class Instance:
    """A placement problem. ``outcome`` is a (cases × municipalities) matrix or ``None``."""

    municipalities: list[Municipality]
    cases: list[Case]
    weights: Weights = field(default_factory=Weights)
    regions: list[Region] = field(default_factory=list)
    outcome: np.ndarray | None = None
    name: str = "instance"
    synthetic: bool = False
    note: str = ""
    period: dict[str, str] | None = None
    outcome_label: str = ""

    def __post_init__(self) -> None:
        self._muni_index: dict[str, int] | None = None
        self._case_index: dict[str, int] | None = None
        self._digest: str | None = None

    @property
    def muni_index(self) -> dict[str, int]:
        if self._muni_index is None or len(self._muni_index) != len(self.municipalities):
            self._muni_index = {m.code: i for i, m in enumerate(self.municipalities)}
        return self._muni_index

    @property
    def case_index(self) -> dict[str, int]:
        if self._case_index is None or len(self._case_index) != len(self.cases):
            self._case_index = {c.id: i for i, c in enumerate(self.cases)}
        return self._case_index

    @property
    def n_cases(self) -> int:
        return len(self.cases)

    @property
    def n_municipalities(self) -> int:
        return len(self.municipalities)

    def capacity_matrix(self) -> np.ndarray:
        """(municipalities × dimensions) float array, ``inf`` = no separate limit."""
        return np.array([m.capacity_vector() for m in self.municipalities], dtype=float).reshape(
            len(self.municipalities), len(DIMENSIONS)
        )

    def demand_matrix(self) -> np.ndarray:
        """(cases × dimensions) int array."""
        return np.array([c.demand() for c in self.cases], dtype=np.int64).reshape(
            len(self.cases), len(DIMENSIONS)
        )

    def outcome_matrix(self) -> np.ndarray:
        """The outcome scores, zeros when the instance has none."""
        if self.outcome is None:
            return np.zeros((len(self.cases), len(self.municipalities)))
        return self.outcome

    def invalidate(self) -> None:
        """Call after editing the lists in place."""
        self._muni_index = None
        self._case_index = None
        self._digest = None


# --------------------------------------------------------------------------------- results


@dataclass(slots=True)
class Alternative:
    """A municipality that was not chosen for a case, and why."""

    municipality: str
    coefficient: float | None  # objective value of the case there (None if never allowed)
    delta: float | None  # coefficient minus the chosen coefficient
    reason: str  # capacity_full | need_not_met | declined | emergency_not_accepted | ...
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Explanation:
    components: dict[str, float]
    alternatives: list[Alternative]
    #: for a case of a linked group: the group (``id``, ``cases``, ``persons``, ``score``, the
    #: group's summed ``components``); the alternatives' scores and reasons are the group's
    group: dict[str, Any] | None = None


@dataclass(slots=True)
class Assignment:
    case: str
    municipality: str
    locked: bool
    coefficient: float
    explanation: Explanation | None = None


@dataclass(slots=True)
class Unplaced:
    case: str
    reason: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    instance_name: str
    instance_digest: str
    method: str
    status: str  # optimal | gap_met | time_limit | heuristic
    objective: float
    bound: float
    components: dict[str, float]
    assignments: list[Assignment]
    unplaced: list[Unplaced]
    usage: dict[str, dict[str, float]]
    seed: int
    time_limit: float | None
    synthetic: bool = False
    note: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Proven relative gap (bound − objective) / max(|bound|, 1e-9); 0 when optimal."""
        return relative_gap(self.objective, self.bound)

    def assignment_map(self) -> dict[str, str]:
        return {a.case: a.municipality for a in self.assignments}


def relative_gap(objective: float, bound: float) -> float:
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return math.inf
    diff = bound - objective
    if diff <= 1e-9 * max(1.0, abs(bound)):
        return 0.0
    return diff / max(abs(bound), 1e-9)
