"""Reading, checking and writing instance files (JSON, see docs/placement-format.md).

``load_instance`` refuses a bad instance with :class:`~kotopaikka.optimiser.errors.InstanceError`,
whose ``issues`` name the item (``case C17``, ``municipality 091``) and the field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InstanceError, Issue
from .model import (
    DIMENSIONS,
    FORMAT_INSTANCE,
    FORMAT_VERSION,
    PERSONS,
    Case,
    Instance,
    Member,
    Municipality,
    Region,
    Weights,
)

INSTANCE_SCHEMA = "instance.schema.json"
RESULT_SCHEMA = "result.schema.json"
#: ``municipality_codes``: the codes are those of the shipped registry (the default) ...
REGISTRY = "registry"
#: ... or the instance declares municipalities of its own (any 3-digit codes)
OWN = "own"


@cache
def registry_codes() -> frozenset[str]:
    """The codes of the real municipalities (kotopaikka/optimiser/municipalities.py)."""
    from .municipalities import real_municipalities

    return frozenset(m.code for m in real_municipalities())


def registry_issues(inst: Instance) -> list[Issue]:
    """A municipality whose code is not a real municipality of the registry (an instance that
    does not declare ``"municipality_codes": "own"``)."""
    real = registry_codes()
    return [
        Issue(
            "unregistered_municipality",
            f"municipality {m.code}",
            "code",
            f"municipalities[{i}].code: '{m.code}' is not a municipality of the registry "
            f"(Statistics Finland, 2025 division); an instance with municipalities of its own "
            f'declares "municipality_codes": "own"',
        )
        for i, m in enumerate(inst.municipalities)
        if m.code not in real
    ]


@cache
def load_schema(name: str) -> dict:
    text = resources.files("kotopaikka.optimiser").joinpath("schema", name).read_text("utf-8")
    return json.loads(text)


def _reject_constant(value: str) -> float:
    raise ValueError(f"{value} is not allowed in JSON")


def parse_json(text: str | bytes, what: str = "instance") -> Any:
    """Parse strict JSON (NaN and Infinity refused); errors become ``malformed_json``."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        # some of Python's messages end in "at" ("Unterminated string starting at"): the
        # position follows once, not "at at"
        reason = re.sub(r"\s+at$", "", exc.msg)
        raise InstanceError(
            [
                Issue(
                    "malformed_json",
                    what,
                    f"line {exc.lineno} column {exc.colno}",
                    f"not valid JSON: {reason} at line {exc.lineno}, column {exc.colno}",
                )
            ]
        ) from exc
    except ValueError as exc:  # NaN / Infinity
        raise InstanceError([Issue("malformed_json", what, "", f"not valid JSON: {exc}")]) from exc


# ------------------------------------------------------------------------ item naming


def _item_name(doc: Any, path: list[Any]) -> tuple[str, str]:
    """Turn a JSON path into (item, field): ('case C17', 'members[0].age')."""
    if len(path) >= 2 and path[0] in ("municipalities", "cases", "regions"):
        kind = {"municipalities": "municipality", "cases": "case", "regions": "region"}[path[0]]
        idx = path[1]
        key = "code" if kind != "case" else "id"
        try:
            ident = doc[path[0]][idx].get(key)
        except (AttributeError, IndexError, KeyError, TypeError):
            ident = None
        item = f"{kind} {ident}" if isinstance(ident, str) and ident else f"{path[0]}[{idx}]"
        rest = path[2:]
    else:
        item, rest = "instance", path
    field = ""
    for p in rest:
        field += f"[{p}]" if isinstance(p, int) else (f".{p}" if field else str(p))
    return item, field or "(whole item)"


def _schema_issues(doc: Any, schema: dict) -> list[Issue]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    issues: list[Issue] = []
    if isinstance(doc, dict) and isinstance(doc.get("cases"), list) and len(doc["cases"]) > 200:
        # jsonschema needs ~0.25 ms per case: check the cases with the (stricter or equal) fast
        # checker and give jsonschema only the cases it doubts, so errors read the same.
        cases = doc["cases"]
        errors = list(validator.iter_errors({**doc, "cases": []}))
        doubtful = [i for i, c in enumerate(cases) if not fast_case_ok(c)]
        if doubtful:
            sub = validator.evolve(schema={"$defs": schema["$defs"], **schema["$defs"]["case"]})
            for i in doubtful:
                for err in sub.iter_errors(cases[i]):
                    err.path.extendleft([i, "cases"])  # -> ["cases", i, ...]
                    errors.append(err)
    else:
        errors = list(validator.iter_errors(doc))
    errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
    for err in errors[:200]:
        path = list(err.absolute_path)
        item, field = _item_name(doc, path)
        code = "schema_violation"
        if err.validator == "minimum" and "capacity" in path:
            code = "negative_capacity"
        elif (err.validator == "const" and path and path[0] in ("format", "version")) or (
            err.validator == "required" and not path and "'format'" in str(err.message)
        ):
            code = "unsupported_format"
        issues.append(Issue(code, item, field, err.message))
    return issues


# ------------------------------------------------------------------------ fast case check

_CODE_RE = re.compile(r"[0-9]{3}")
_TOKEN_RE = re.compile(r"[a-z][a-z0-9_]*")
_LANG_RE = re.compile(r"[a-z]{2,3}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CASE_KEYS = frozenset(
    {
        "id",
        "members",
        "needs",
        "ties",
        "wishes",
        "available_from",
        "emergency",
        "declined_by",
        "linked_group",
        "locked_to",
        "source",
        "outcome",
        "priority",
    }
)
_MEMBER_KEYS = frozenset(f.name for f in dataclasses.fields(Member))


def _is_int(v: object) -> bool:
    return type(v) is int


def _int_in(v: object, lo: int, hi: int, nullable: bool = True) -> bool:
    if v is None:
        return nullable
    return type(v) is int and lo <= v <= hi


def _str_list(v: object, rx: re.Pattern) -> bool:
    return (
        type(v) is list
        and all(type(x) is str and rx.fullmatch(x) for x in v)
        and len(set(v)) == len(v)
    )


def _member_ok(m: object) -> bool:
    if type(m) is not dict or "age" not in m or not _MEMBER_KEYS.issuperset(m):
        return False
    return (
        _int_in(m["age"], 0, 120, nullable=False)
        and (
            m.get("sex") is None
            or (type(m.get("sex")) is str and m["sex"] in "fmx" and len(m["sex"]) == 1)
        )
        and _int_in(m.get("education_years"), 0, 30)
        and _int_in(m.get("work_experience_years"), 0, 80)
        and _str_list(m.get("languages", []), _LANG_RE)
        and (m.get("literate") is None or type(m.get("literate")) is bool)
        and type(m.get("unaccompanied_minor", False)) is bool
    )


def fast_case_ok(c: object) -> bool:
    """True only if the case surely passes the schema (a quick, stricter-or-equal check)."""
    if type(c) is not dict or not _CASE_KEYS.issuperset(c):
        return False
    cid, members = c.get("id"), c.get("members")
    if type(cid) is not str or not 1 <= len(cid) <= 100:
        return False
    if type(members) is not list or not members or not all(map(_member_ok, members)):
        return False
    for key, rx in (
        ("needs", _TOKEN_RE),
        ("ties", _CODE_RE),
        ("wishes", _CODE_RE),
        ("declined_by", _CODE_RE),
    ):
        if key in c and not _str_list(c[key], rx):
            return False
    if "available_from" in c and not (
        type(c["available_from"]) is str and _DATE_RE.fullmatch(c["available_from"])
    ):
        return False
    if type(c.get("emergency", False)) is not bool:
        return False
    lg = c.get("linked_group")
    if lg is not None and not (type(lg) is str and lg):
        return False
    lt = c.get("locked_to")
    if lt is not None and not (type(lt) is str and _CODE_RE.fullmatch(lt)):
        return False
    if c.get("source") not in (None, "quota", "reception_centre", "other"):
        return False
    if "priority" in c and not (_is_number(c["priority"]) and 0 <= c["priority"] <= 1000):
        return False
    out = c.get("outcome", [])
    if type(out) is list:
        return all(map(_is_number, out))
    return type(out) is dict and all(map(_is_number, out.values()))


# ------------------------------------------------------------------------ building objects


def _member(d: dict) -> Member:
    return Member(
        age=int(d["age"]),
        sex=d.get("sex"),
        education_years=d.get("education_years"),
        work_experience_years=d.get("work_experience_years"),
        languages=tuple(d.get("languages", ())),
        literate=d.get("literate"),
        unaccompanied_minor=bool(d.get("unaccompanied_minor", False)),
    )


def _case(d: dict) -> Case:
    return Case(
        id=d["id"],
        members=[_member(m) for m in d["members"]],
        needs=tuple(sorted(d.get("needs", ()))),
        ties=tuple(d.get("ties", ())),
        wishes=tuple(d.get("wishes", ())),
        available_from=d.get("available_from"),
        emergency=bool(d.get("emergency", False)),
        declined_by=tuple(d.get("declined_by", ())),
        linked_group=d.get("linked_group"),
        locked_to=d.get("locked_to"),
        source=d.get("source"),
        priority=float(d.get("priority", 1.0)),
    )


def _municipality(d: dict) -> Municipality:
    cap = {k: d["capacity"].get(k) for k in DIMENSIONS}
    return Municipality(
        code=d["code"],
        name=d.get("name", d["code"]),
        region=d.get("region", ""),
        capacity=cap,
        services=tuple(sorted(d.get("services", ()))),
        accepts_emergency=bool(d.get("accepts_emergency", False)),
        attributes=dict(d.get("attributes", {})),
    )


def _without_score_lists(doc: dict) -> dict:
    """A shallow copy whose score lists are emptied (they are checked faster with numpy)."""
    cases = doc.get("cases")
    if not isinstance(cases, list):
        return doc
    slim = []
    for c in cases:
        if isinstance(c, dict) and isinstance(c.get("outcome"), list):
            c = {**c, "outcome": []}
        slim.append(c)
    return {**doc, "cases": slim}


def _is_number(v: object) -> bool:
    return type(v) in (int, float)


def instance_from_dict(doc: Any, *, validate_schema: bool = True) -> Instance:
    """Build and check an :class:`Instance` from parsed JSON. Raises :class:`InstanceError`."""
    if not isinstance(doc, dict):
        raise InstanceError(
            [
                Issue(
                    "schema_violation",
                    "instance",
                    "(whole item)",
                    "an instance must be a JSON object",
                )
            ]
        )
    if validate_schema:
        issues = _schema_issues(_without_score_lists(doc), load_schema(INSTANCE_SCHEMA))
        if issues:
            raise InstanceError(issues)
    munis = [_municipality(m) for m in doc["municipalities"]]
    cases = [_case(c) for c in doc["cases"]]
    regions = [
        Region(r["code"], r.get("name", ""), r.get("target_share")) for r in doc.get("regions", [])
    ]
    weights = Weights(**{k: float(v) for k, v in doc.get("weights", {}).items()})
    inst = Instance(
        municipalities=munis,
        cases=cases,
        weights=weights,
        regions=regions,
        name=doc.get("name", "instance"),
        synthetic=bool(doc.get("synthetic", False)),
        note=doc.get("note", ""),
        period=doc.get("period"),
        outcome_label=doc.get("outcome_label", ""),
    )
    issues = _outcome_from_docs(inst, doc["cases"])
    if doc.get("municipality_codes", REGISTRY) == REGISTRY:
        issues += registry_issues(inst)
    issues += semantic_issues(inst)
    if issues:
        raise InstanceError(issues)
    return inst


def _outcome_from_docs(inst: Instance, case_docs: list[dict]) -> list[Issue]:
    m_idx = {m.code: i for i, m in enumerate(inst.municipalities)}
    n_m = len(inst.municipalities)
    if not any("outcome" in c for c in case_docs):
        inst.outcome = None
        return []
    out = np.zeros((len(case_docs), n_m))
    issues: list[Issue] = []
    for i, c in enumerate(case_docs):
        sc = c.get("outcome")
        if sc is None:
            continue
        item = f"case {c['id']}"
        if isinstance(sc, list):
            if len(sc) != n_m:
                issues.append(
                    Issue(
                        "bad_scores",
                        item,
                        "outcome",
                        f"has {len(sc)} scores, the instance has {n_m} municipalities",
                    )
                )
                continue
            if not all(map(_is_number, sc)):
                k = next(k for k, v in enumerate(sc) if not _is_number(v))
                issues.append(
                    Issue("bad_scores", item, f"outcome[{k}]", f"score {sc[k]!r} is not a number")
                )
                continue
            out[i] = sc
        else:
            for code, v in sc.items():
                j = m_idx.get(code)
                if not _is_number(v):
                    issues.append(
                        Issue("bad_scores", item, f"outcome.{code}", f"score {v!r} is not a number")
                    )
                elif j is None:
                    issues.append(
                        Issue(
                            "unknown_municipality",
                            item,
                            f"outcome.{code}",
                            f"cases[{i}].outcome: '{code}' is not a municipality of this instance",
                        )
                    )
                else:
                    out[i, j] = v
    inst.outcome = out
    return issues


def semantic_issues(inst: Instance, *, size_checks: bool = True) -> list[Issue]:
    """Checks beyond the schema: references, sizes, locks, shares, scores."""
    issues: list[Issue] = []
    add = issues.append
    codes: dict[str, int] = {}
    for i, m in enumerate(inst.municipalities):
        if m.code in codes:
            add(
                Issue(
                    "duplicate_id",
                    f"municipality {m.code}",
                    "code",
                    f"municipalities[{codes[m.code]}].code and municipalities[{i}].code: "
                    f'duplicate code "{m.code}"',
                )
            )
        codes.setdefault(m.code, i)
        for d, v in m.capacity.items():
            if v is not None and v < 0:
                add(
                    Issue(
                        "negative_capacity",
                        f"municipality {m.code}",
                        f"capacity.{d}",
                        f"municipalities[{i}].capacity.{d} is {v}; it must be 0 or more",
                    )
                )
    seen_cases: dict[str, int] = {}
    for i, c in enumerate(inst.cases):
        item = f"case {c.id}"
        if c.id in seen_cases:
            add(
                Issue(
                    "duplicate_id",
                    item,
                    "id",
                    f'cases[{seen_cases[c.id]}].id and cases[{i}].id: duplicate id "{c.id}"',
                )
            )
        seen_cases.setdefault(c.id, i)
        if not c.members:
            add(
                Issue(
                    "schema_violation",
                    item,
                    "members",
                    f"cases[{i}].members: a case needs at least one member",
                )
            )
        refs = [
            (f"{f}[{k}]", code)
            for f in ("ties", "wishes", "declined_by")
            for k, code in enumerate(getattr(c, f))
        ]
        if c.locked_to is not None:
            refs.append(("locked_to", c.locked_to))
        for fname, code in refs:
            if code not in codes:
                add(
                    Issue(
                        "unknown_municipality",
                        item,
                        fname,
                        f"cases[{i}].{fname}: '{code}' is not a municipality of this instance",
                    )
                )
        for k, mem in enumerate(c.members):
            if mem.unaccompanied_minor and mem.age >= 18:
                add(
                    Issue(
                        "bad_member",
                        item,
                        f"members[{k}].unaccompanied_minor",
                        f"cases[{i}].members[{k}].unaccompanied_minor: an unaccompanied minor "
                        f"must be under 18, age is {mem.age}",
                    )
                )
    seen_regions: set[str] = set()
    used_regions = {m.region for m in inst.municipalities}
    total_share = 0.0
    for r in inst.regions:
        if r.code in seen_regions:
            add(Issue("duplicate_id", f"region {r.code}", "code", f"region '{r.code}' twice"))
        seen_regions.add(r.code)
        if r.code not in used_regions:
            add(
                Issue(
                    "unknown_region",
                    f"region {r.code}",
                    "code",
                    f"no municipality is in region '{r.code}'",
                )
            )
        if r.target_share is not None:
            total_share += r.target_share
    if total_share > 1 + 1e-9:
        add(
            Issue(
                "bad_target_shares",
                "instance",
                "regions",
                f"target shares add up to {total_share:.4f}, more than 1",
            )
        )
    if inst.outcome is not None:
        if inst.outcome.shape != (len(inst.cases), len(inst.municipalities)):
            add(
                Issue(
                    "bad_scores",
                    "instance",
                    "outcome",
                    f"outcome matrix has shape {inst.outcome.shape}",
                )
            )
        elif not np.all(np.isfinite(inst.outcome)):
            i, j = np.argwhere(~np.isfinite(inst.outcome))[0]
            add(
                Issue(
                    "bad_scores",
                    f"case {inst.cases[i].id}",
                    f"outcome[{j}]",
                    "scores must be finite numbers",
                )
            )
    for name in ("outcome", "tie", "wish", "placement", "emergency", "fairness"):
        if not math.isfinite(getattr(inst.weights, name)):
            add(Issue("schema_violation", "instance", f"weights.{name}", "must be finite"))
    if issues:  # references are broken: the checks below would only repeat them
        return issues
    issues += _size_and_lock_issues(inst, codes, size_checks)
    return issues


def _size_and_lock_issues(
    inst: Instance, codes: dict[str, int], size_checks: bool = True
) -> list[Issue]:
    from .compat import ineligibility_reason  # local import: compat imports model only

    issues: list[Issue] = []
    cap = inst.capacity_matrix()
    max_persons = float(cap[:, PERSONS].max()) if len(cap) else 0.0
    groups: dict[str, list[Case]] = defaultdict(list)
    for c in inst.cases:
        if c.linked_group is not None:
            groups[c.linked_group].append(c)
    for c in inst.cases if size_checks else ():
        if c.size > max_persons:
            issues.append(
                Issue(
                    "case_too_large",
                    f"case {c.id}",
                    "members",
                    f"{c.size} persons, but the largest municipal capacity is "
                    f"{max_persons:g} persons",
                )
            )
    for g, members in sorted(groups.items()):
        size = sum(c.size for c in members)
        too_big = size > max_persons and all(c.size <= max_persons for c in members)
        if size_checks and len(members) > 1 and too_big:
            issues.append(
                Issue(
                    "case_too_large",
                    f"linked group {g}",
                    "linked_group",
                    f"linked cases {', '.join(c.id for c in members)} have {size} "
                    f"persons together, but the largest municipal capacity is "
                    f"{max_persons:g} persons",
                )
            )
        locks = sorted({c.locked_to for c in members if c.locked_to is not None})
        if len(locks) > 1:
            issues.append(
                Issue(
                    "lock_conflict",
                    f"linked group {g}",
                    "locked_to",
                    f"linked cases are locked to different municipalities: {', '.join(locks)}",
                )
            )
    if issues:
        return issues
    used = np.zeros_like(cap)
    for c in inst.cases:
        target = c.locked_to
        if target is None and c.linked_group is not None:
            locks = [x.locked_to for x in groups[c.linked_group] if x.locked_to is not None]
            target = locks[0] if locks else None
        if target is None:
            continue
        j = codes[target]
        why = ineligibility_reason(c, inst.municipalities[j])
        if why is not None:
            issues.append(
                Issue(
                    "locked_ineligible",
                    f"case {c.id}",
                    "locked_to",
                    f"locked to {target}, but {why[1]}",
                )
            )
        used[j] += np.asarray(c.demand(), dtype=float)
    over = np.argwhere(used > cap + 1e-9)
    for j, d in over:
        m = inst.municipalities[j]
        issues.append(
            Issue(
                "locked_over_capacity",
                f"municipality {m.code}",
                f"capacity.{DIMENSIONS[d]}",
                f"locked assignments use {used[j, d]:g} {DIMENSIONS[d]}, capacity is {cap[j, d]:g}",
            )
        )
    return issues


def load_instance(source: str | Path | bytes | dict, *, validate_schema: bool = True) -> Instance:
    """Load an instance from a path, JSON text/bytes or an already parsed dict."""
    if isinstance(source, dict):
        return instance_from_dict(source, validate_schema=validate_schema)
    if isinstance(source, Path) or (
        isinstance(source, str) and not source.lstrip().startswith("{")
    ):
        path = Path(source)
        try:
            text = path.read_bytes()
        except OSError as exc:
            raise InstanceError(
                [Issue("malformed_json", str(path), "", f"cannot read: {exc}")]
            ) from exc
        return instance_from_dict(parse_json(text), validate_schema=validate_schema)
    return instance_from_dict(parse_json(source), validate_schema=validate_schema)


# ------------------------------------------------------------------------ writing


def _drop_defaults(d: dict, defaults: dict) -> dict:
    return {k: v for k, v in d.items() if k not in defaults or defaults[k] != v}


_CASE_DEFAULTS = {
    "needs": [],
    "ties": [],
    "wishes": [],
    "available_from": None,
    "emergency": False,
    "declined_by": [],
    "linked_group": None,
    "locked_to": None,
    "source": None,
    "priority": 1.0,
}
_MEMBER_DEFAULTS = {
    "sex": None,
    "education_years": None,
    "work_experience_years": None,
    "languages": [],
    "literate": None,
    "unaccompanied_minor": False,
}


def instance_to_dict(inst: Instance, *, include_outcome: bool = True) -> dict:
    """The JSON document of an instance (outcome rows as lists in municipality order)."""
    doc: dict[str, Any] = {
        "format": FORMAT_INSTANCE,
        "version": FORMAT_VERSION,
        "name": inst.name,
        "synthetic": inst.synthetic,
    }
    if inst.note:
        doc["note"] = inst.note
    if inst.period:
        doc["period"] = dict(inst.period)
    doc["weights"] = inst.weights.to_dict()
    if inst.outcome_label:
        doc["outcome_label"] = inst.outcome_label
    if any(m.code not in registry_codes() for m in inst.municipalities):
        doc["municipality_codes"] = OWN  # codes of its own: declared, so that it reads back
    if inst.regions:
        doc["regions"] = [
            {"code": r.code, "name": r.name, "target_share": r.target_share} for r in inst.regions
        ]
    doc["municipalities"] = [
        {
            "code": m.code,
            "name": m.name,
            "region": m.region,
            "capacity": {k: m.capacity.get(k) for k in DIMENSIONS if m.capacity.get(k) is not None},
            "services": list(m.services),
            "accepts_emergency": m.accepts_emergency,
            **({"attributes": m.attributes} if m.attributes else {}),
        }
        for m in inst.municipalities
    ]
    has_outcome = include_outcome and inst.outcome is not None
    cases = []
    for i, c in enumerate(inst.cases):
        cd = {
            "id": c.id,
            "members": [
                _drop_defaults(
                    {
                        "age": m.age,
                        "sex": m.sex,
                        "education_years": m.education_years,
                        "work_experience_years": m.work_experience_years,
                        "languages": list(m.languages),
                        "literate": m.literate,
                        "unaccompanied_minor": m.unaccompanied_minor,
                    },
                    _MEMBER_DEFAULTS,
                )
                for m in c.members
            ],
        }
        cd.update(
            _drop_defaults(
                {
                    "needs": list(c.needs),
                    "ties": list(c.ties),
                    "wishes": list(c.wishes),
                    "available_from": c.available_from,
                    "emergency": c.emergency,
                    "declined_by": list(c.declined_by),
                    "linked_group": c.linked_group,
                    "locked_to": c.locked_to,
                    "source": c.source,
                    "priority": c.priority,
                },
                _CASE_DEFAULTS,
            )
        )
        if has_outcome:
            cd["outcome"] = [float(v) for v in inst.outcome[i]]  # type: ignore[index]
        cases.append(cd)
    doc["cases"] = cases
    return doc


def dump_json(doc: Any, path: str | Path | None = None, *, indent: int | None = None) -> str:
    """Deterministic JSON text (sorted keys are NOT used: field order is part of the format)."""
    text = json.dumps(doc, ensure_ascii=False, indent=indent, allow_nan=False)
    if path is not None:
        Path(path).write_text(text + "\n", encoding="utf-8")
    return text


def save_instance(inst: Instance, path: str | Path, *, indent: int | None = None) -> None:
    dump_json(instance_to_dict(inst), path, indent=indent)


def instance_digest(inst: Instance) -> str:
    """sha256 over the instance content (canonical JSON without scores, plus the score bytes)."""
    if inst._digest is not None:
        return inst._digest
    h = hashlib.sha256()
    doc = instance_to_dict(inst, include_outcome=False)
    h.update(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode())
    if inst.outcome is not None:
        h.update(np.ascontiguousarray(inst.outcome, dtype="<f8").tobytes())
    digest = "sha256:" + h.hexdigest()
    inst._digest = digest
    return digest
