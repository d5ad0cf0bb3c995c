"""Result files: ``result_to_dict`` / ``load_result`` (JSON, see docs/placement-format.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import InstanceError, Issue
from .io import RESULT_SCHEMA, dump_json, load_schema, parse_json
from .model import (
    FORMAT_RESULT,
    FORMAT_VERSION,
    Alternative,
    Assignment,
    Explanation,
    Result,
    Unplaced,
)


def _r(x: float | None, nd: int = 9) -> float | None:
    return None if x is None else round(float(x), nd)


def result_to_dict(res: Result, *, include_timings: bool = False) -> dict[str, Any]:
    """The JSON document of a result. Timings are left out by default so that the same input
    and seed give byte-identical files."""
    doc: dict[str, Any] = {
        "format": FORMAT_RESULT,
        "version": FORMAT_VERSION,
        "instance": {"name": res.instance_name, "digest": res.instance_digest},
        "synthetic": res.synthetic,
    }
    if res.note:
        doc["note"] = res.note
    doc["solver"] = {
        "method": res.method,
        "status": res.status,
        "seed": res.seed,
        "time_limit_s": res.time_limit,
    }
    doc["objective"] = _r(res.objective)
    doc["bound"] = _r(res.bound)
    doc["gap"] = _r(res.gap, 12)
    doc["components"] = {k: _r(v) for k, v in res.components.items()}
    doc["stats"] = {k: (_r(v) if isinstance(v, float) else v) for k, v in res.stats.items()}
    doc["assignments"] = [_assignment(a) for a in res.assignments]
    doc["unplaced"] = [
        {"case": u.case, "reason": u.reason, "message": u.message, "details": u.details}
        for u in res.unplaced
    ]
    doc["usage"] = res.usage
    if include_timings:
        doc["timings_s"] = res.timings
    return doc


def _assignment(a: Assignment) -> dict[str, Any]:
    d: dict[str, Any] = {
        "case": a.case,
        "municipality": a.municipality,
        "locked": a.locked,
        "score": _r(a.coefficient),
    }
    if a.explanation is not None:
        d["components"] = {k: _r(v) for k, v in a.explanation.components.items()}
        if a.explanation.group is not None:
            g = a.explanation.group
            d["group"] = {
                **g,
                "score": _r(g["score"]),
                "components": {k: _r(v) for k, v in g.get("components", {}).items()},
            }
        d["alternatives"] = [
            {
                "municipality": alt.municipality,
                "score": _r(alt.coefficient),
                "difference": _r(alt.delta),
                "reason": alt.reason,
                "message": alt.message,
                "details": alt.details,
            }
            for alt in a.explanation.alternatives
        ]
    return d


def save_result(res: Result, path: str | Path, *, include_timings: bool = False) -> None:
    dump_json(result_to_dict(res, include_timings=include_timings), path, indent=1)


def result_from_dict(doc: Any, *, validate_schema: bool = True) -> Result:
    if validate_schema:
        from jsonschema import Draft202012Validator

        errors = list(Draft202012Validator(load_schema(RESULT_SCHEMA)).iter_errors(doc))
        if errors:
            raise InstanceError(
                [
                    Issue(
                        "bad_result",
                        "result",
                        "/".join(map(str, e.absolute_path)) or "(whole)",
                        e.message,
                    )
                    for e in errors[:50]
                ]
            )
    assignments = []
    for a in doc["assignments"]:
        exp = None
        if "alternatives" in a:
            exp = Explanation(
                dict(a.get("components", {})),
                [
                    Alternative(
                        x["municipality"],
                        x["score"],
                        x["difference"],
                        x["reason"],
                        x["message"],
                        dict(x.get("details", {})),
                    )
                    for x in a["alternatives"]
                ],
                a.get("group"),
            )
        assignments.append(Assignment(a["case"], a["municipality"], a["locked"], a["score"], exp))
    return Result(
        instance_name=doc["instance"]["name"],
        instance_digest=doc["instance"]["digest"],
        method=doc["solver"]["method"],
        status=doc["solver"]["status"],
        objective=doc["objective"],
        bound=doc["bound"],
        components=dict(doc["components"]),
        assignments=assignments,
        unplaced=[
            Unplaced(u["case"], u["reason"], u["message"], dict(u.get("details", {})))
            for u in doc["unplaced"]
        ],
        usage=doc["usage"],
        seed=doc["solver"]["seed"],
        time_limit=doc["solver"]["time_limit_s"],
        synthetic=doc.get("synthetic", False),
        note=doc.get("note", ""),
        stats=dict(doc.get("stats", {})),
        timings=dict(doc.get("timings_s", {})),
    )


def load_result(source: str | Path | bytes | dict) -> Result:
    if isinstance(source, dict):
        return result_from_dict(source)
    if isinstance(source, Path) or (
        isinstance(source, str) and not source.lstrip().startswith("{")
    ):
        return result_from_dict(parse_json(Path(source).read_bytes(), "result"))
    return result_from_dict(parse_json(source, "result"))
