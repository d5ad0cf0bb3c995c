"""Import of waiting cases from CSV or JSON, with an error report per row.

CSV: one line per case *member*; the case columns are repeated on each member's line (as a
spreadsheet export of the resettlement registration data looks). Lines with the same
`reference` form one case. A case with any bad line is refused whole and reported with its
line numbers; every good case is kept. Nothing is half-imported: each case is saved in its
own transaction.

JSON: a list of objects `{"reference", "kind", "emergency", "nationality", "needs": [...],
"ties": [...], "wishes": [...], "available_from", "linked_group", "members": [{"age", "sex",
"education_years", "work_experience_years", "languages": [...], "literate",
"unaccompanied_minor"}]}`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.core import jsonparse

from .services import CaseData, MemberData, case_create

CSV_COLUMNS = (
    "reference",
    "kind",
    "emergency",
    "nationality",
    "needs",
    "ties",
    "wishes",
    "available_from",
    "linked_group",
    "age",
    "sex",
    "education_years",
    "work_experience_years",
    "languages",
    "literate",
    "unaccompanied_minor",
)
REQUIRED_COLUMNS = ("reference", "age")
TRUE = {"1", "true", "yes", "kyllä", "k", "ja", "x"}
FALSE = {"0", "false", "no", "ei", "e", "nej", ""}


@dataclass(frozen=True)
class RowError:
    rows: tuple[int, ...]  # CSV line numbers (header = 1) or JSON item numbers (first = 1)
    reference: str
    field: str
    message: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # references
    errors: list[RowError] = field(default_factory=list)


class _RowProblem(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def _split(value: str) -> list[str]:
    return [part.strip() for part in str(value or "").replace(",", ";").split(";") if part.strip()]


def _bool(name: str, value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise _RowProblem(name, _("Not a yes/no value: %(value)s.") % {"value": value})


def _int(name: str, value: Any, *, required: bool = False) -> int | None:
    if value in (None, ""):
        if required:
            raise _RowProblem(name, _("This field is required."))
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise _RowProblem(name, _("Not a whole number: %(value)s.") % {"value": value}) from None


def _date(name: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise _RowProblem(
        name, _("Not a date (use 2026-03-31 or 31.3.2026): %(value)s.") % {"value": value}
    )


def _member(item: dict[str, Any]) -> MemberData:
    languages = item.get("languages") or []
    return MemberData(
        age=_int("age", item.get("age"), required=True),
        sex=str(item.get("sex") or "").strip().lower(),
        education_years=_int("education_years", item.get("education_years")),
        work_experience_years=_int("work_experience_years", item.get("work_experience_years")),
        languages=languages if isinstance(languages, list) else _split(languages),
        literate=_bool("literate", item.get("literate"))
        if item.get("literate") not in (None, "")
        else None,
        unaccompanied_minor=bool(
            _bool("unaccompanied_minor", item.get("unaccompanied_minor") or "")
        ),
    )


def _case(item: dict[str, Any], members: list[MemberData]) -> CaseData:
    def listed(name: str) -> list[str]:
        value = item.get(name) or []
        return value if isinstance(value, list) else _split(value)

    return CaseData(
        reference=str(item.get("reference") or "").strip(),
        kind=str(item.get("kind") or "quota").strip().lower(),
        members=members,
        emergency=bool(_bool("emergency", item.get("emergency") or "")),
        nationality=str(item.get("nationality") or "").strip(),
        needs=listed("needs"),
        ties=listed("ties"),
        wishes=listed("wishes"),
        available_from=_date("available_from", item.get("available_from")),
        linked_group=str(item.get("linked_group") or "").strip(),
    )


def _save(
    actor: Actor,
    report: ImportReport,
    rows: tuple[int, ...],
    reference: str,
    build,
    synthetic: bool,
):
    try:
        data = build()
        case_create(actor=actor, data=data, is_synthetic=synthetic)
    except _RowProblem as problem:
        report.errors.append(RowError(rows, reference, problem.field, problem.message))
    except ValidationError as error:
        details = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for field_name, messages in details.items():
            for message in messages:
                report.errors.append(RowError(rows, reference, field_name, message))
    else:
        report.created.append(data.reference)


def import_csv(*, actor: Actor, text: str, synthetic: bool = False) -> ImportReport:
    """Import cases from CSV text (comma or semicolon separated, UTF-8)."""
    require(actor, Op.CASE_IMPORT)
    report = ImportReport()
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","  # Excel in Finland uses ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    try:  # csv.Error (a field over 128 kB, a stray quote) was a 500
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            report.errors.append(
                RowError((1,), "", ", ".join(missing), _("Required columns are missing."))
            )
            return report
        for line_number, row in enumerate(reader, start=2):
            reference = (row.get("reference") or "").strip()
            if not reference:
                report.errors.append(
                    RowError((line_number,), "", "reference", _("This field is required."))
                )
                continue
            groups.setdefault(reference, []).append((line_number, row))
    except csv.Error:
        line = reader.line_num + 1  # the line being read when it failed
        report.errors.append(
            RowError(
                (line,),
                "",
                "",
                _("The CSV cannot be read at line %(line)s: a field is too long or broken.")
                % {"line": line},
            )
        )
        return report
    for reference, lines in groups.items():
        numbers = tuple(n for n, _row in lines)

        def build(lines=lines):
            members = []
            for _n, row in lines:
                members.append(_member(row))
            return _case(lines[0][1], members)

        _save(actor, report, numbers, reference, build, synthetic)
    return report


def import_json(*, actor: Actor, text: str, synthetic: bool = False) -> ImportReport:
    """Import cases from a JSON list of case objects."""
    require(actor, Op.CASE_IMPORT)
    report = ImportReport()
    try:
        items = jsonparse.loads(text)  # bounded depth; the message in the user's language
    except jsonparse.JSONInputError as exc:
        report.errors.append(RowError((exc.line,), "", "", exc.message))
        return report
    if not isinstance(items, list):
        report.errors.append(RowError((1,), "", "", _("Expected a list of cases.")))
        return report
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            report.errors.append(RowError((number,), "", "", _("Expected a case object.")))
            continue
        reference = str(item.get("reference") or "")
        members = item.get("members") if isinstance(item.get("members"), list) else []

        def build(item=item, members=members):
            return _case(item, [_member(m) for m in members if isinstance(m, dict)])

        _save(actor, report, (number,), reference, build, synthetic)
    return report
