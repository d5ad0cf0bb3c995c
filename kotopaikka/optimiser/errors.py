"""Errors raised for bad instance or result files.

Every problem is an :class:`Issue` with a stable machine-readable ``code`` (the Django app
translates by code), the ``item`` it concerns (``"case C17"``, ``"municipality 091"``,
``"instance"``) and the ``field`` (a JSON path inside that item, e.g. ``"capacity.persons"``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: Stable error codes and their meaning (documented in docs/placement-format.md).
ERROR_CODES: dict[str, str] = {
    "malformed_json": "the file is not valid JSON",
    "schema_violation": "a field has the wrong type, a missing value or a value out of range",
    "unsupported_format": "the file is not a Kotopaikka placement instance of a supported version",
    "negative_capacity": "a capacity is negative",
    "duplicate_id": "two items share the same identifier",
    "unknown_municipality": "a municipality code is not one of the instance's municipalities",
    "unregistered_municipality": "a municipality code is not a municipality of the registry",
    "unknown_region": "a region code is not used by any municipality",
    "case_too_large": "a case (or linked group) needs more of a capacity than any municipality has",
    "bad_scores": "an outcome score list has the wrong length or a non-finite value",
    "bad_member": "a member's attributes contradict each other",
    "lock_conflict": "linked cases are locked to different municipalities",
    "locked_ineligible": "a locked assignment breaks a hard rule (need, decline, emergency)",
    "locked_over_capacity": "locked assignments exceed a municipality's capacity",
    "bad_target_shares": "regional target shares do not add up to at most 1",
    "bad_result": "a result file does not match the result format or its instance",
}


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    item: str
    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"[{self.code}] {self.item}, field '{self.field}': {self.message}"


class InstanceError(ValueError):
    """A placement instance (or result) was refused. ``issues`` lists every problem found."""

    def __init__(self, issues: list[Issue]):
        if not issues:
            raise ValueError("InstanceError needs at least one issue")
        self.issues = list(issues)
        head = str(self.issues[0])
        more = f" (and {len(self.issues) - 1} more)" if len(self.issues) > 1 else ""
        super().__init__(head + more)

    def to_dict(self) -> dict:
        return {"error": "invalid_instance", "issues": [i.to_dict() for i in self.issues]}
