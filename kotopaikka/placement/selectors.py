"""Reads of placement data: each applies the actor's scope and writes one audit event."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Prefetch, QuerySet, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.access.scope import in_scope_or_404
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.registry.models import Municipality, Organisation

from .capacity import Usage, usage_by_year
from .errors import CaseNotFound, ProposalNotFound
from .models import (
    AgreementYear,
    MoveNotice,
    OptimiserRun,
    PlacementAgreement,
    PlacementCase,
    Proposal,
)
from .services import CASE, MOVE, PROPOSAL, RUN

ANONYMISED_FIELDS = ("members", "needs", "ties", "wishes", "emergency", "nationality", "status")


@dataclass(frozen=True)
class QueueFilters:
    region: str = ""  # cases with a tie or wish in this region
    nationality: str = ""
    need: str = ""
    emergency: bool | None = None
    min_waiting_days: int | None = None
    status: str = PlacementCase.Status.WAITING


@dataclass(frozen=True)
class WaitingFigures:
    count: int
    emergency: int
    persons: int
    median_days: float | None
    max_days: int | None


def _waiting_days(case: PlacementCase, today: dt.date) -> int:
    return (today - case.received_on).days


def case_queue(
    *, actor: Actor, filters: QueueFilters = QueueFilters()
) -> tuple[list[PlacementCase], WaitingFigures]:
    """Cases in scope with the given filters, oldest first, and their waiting-time figures."""
    require(actor, Op.CASE_LIST)
    queryset = PlacementCase.objects.for_actor(actor).prefetch_related("members")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.nationality:
        queryset = queryset.filter(nationality=filters.nationality.upper())
    if filters.emergency is not None:
        queryset = queryset.filter(emergency=filters.emergency)
    if filters.min_waiting_days is not None:
        queryset = queryset.filter(
            received_on__lte=timezone.localdate() - dt.timedelta(days=filters.min_waiting_days)
        )
    cases = list(queryset.order_by("-emergency", "received_on", "reference"))
    if filters.need:
        cases = [c for c in cases if filters.need in c.needs]
    if filters.region:
        codes = set(
            Municipality.objects.filter(region__code=filters.region).values_list("code", flat=True)
        )
        cases = [c for c in cases if codes & {*c.ties, *c.wishes}]
    today = timezone.localdate()
    for c in cases:
        c.waiting_days = _waiting_days(c, today)
    days = [c.waiting_days for c in cases]
    figures = WaitingFigures(
        count=len(cases),
        emergency=sum(1 for c in cases if c.emergency),
        persons=sum(len(c.members.all()) for c in cases),
        median_days=statistics.median(days) if days else None,
        max_days=max(days) if days else None,
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type=CASE,
        subject_ids=[c.pk for c in cases],
        fields=["reference", "members", "needs", "emergency", "nationality", "status"],
        detail={"count": len(cases)},
    )
    return cases, figures


def case_get(*, actor: Actor, case_id) -> PlacementCase:
    """One case in scope, with members and proposals; audited (or the refusal audited)."""
    require(actor, Op.CASE_VIEW)
    pk = in_scope_or_404(
        PlacementCase.objects.for_actor(actor).values_list("pk", flat=True),
        case_id,
        actor=actor,
        object_type=CASE,
        purpose="view",
        not_found=CaseNotFound,
    )
    case = (
        PlacementCase.objects.select_related("regional_authority", "reception_centre")
        .prefetch_related(
            "members__person",
            "excluded_municipalities",
            Prefetch(  # a municipality sees only its own proposal, not the others'
                "proposals",
                queryset=Proposal.objects.for_actor(actor).select_related("municipality"),
            ),
        )
        .get(pk=pk)
    )
    identities = persons_visible(actor, case)
    record_event(
        actor=actor,
        action=AuditEvent.Action.READ,
        object_type=CASE,
        object_id=case.pk,
        subject_ids=[p.pk for p in identities],
        fields=[*ANONYMISED_FIELDS, *(["identities"] if identities else [])],
    )
    case.visible_persons = identities
    return case


def proposal_in_scope(*, actor: Actor, proposal_id, purpose: str):
    """The pk of a proposal the actor may act on, or an audited 404: a page checks this before
    it reads the request's form, so that an outsider's refusal never depends on the body."""
    return in_scope_or_404(
        Proposal.objects.for_actor(actor).values_list("pk", flat=True),
        proposal_id,
        actor=actor,
        object_type=PROPOSAL,
        purpose=purpose,
        not_found=ProposalNotFound,
    )


def persons_visible(actor: Actor, case: PlacementCase) -> list:
    """The members' identities the actor may see: the holder and, after acceptance, the
    municipality (whose scope then includes them)."""
    from kotopaikka.people.models import Person

    ids = [m.person_id for m in case.members.all() if m.person_id]
    return list(Person.objects.for_actor(actor).filter(pk__in=ids)) if ids else []


def proposal_inbox(*, actor: Actor, status: str = Proposal.Status.PENDING) -> list[Proposal]:
    """Proposals to the actor's municipality (anonymised case data only)."""
    require(actor, Op.PROPOSAL_DECIDE)
    if status and status not in Proposal.Status.values:
        raise ValidationError({"status": [_("Unknown value %(value)s.") % {"value": status}]})
    queryset = Proposal.objects.for_actor(actor)
    if status:
        queryset = queryset.filter(status=status)
    proposals = list(
        queryset.select_related("case").prefetch_related("case__members").order_by("deadline")
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type=PROPOSAL,
        subject_ids=[p.case_id for p in proposals],
        fields=list(ANONYMISED_FIELDS),
        detail={"count": len(proposals)},
    )
    return proposals


# --- agreements and usage (not personal data: no read audit) ---------------------------------


@dataclass(frozen=True)
class MunicipalityUsage:
    municipality: Municipality
    year: AgreementYear | None
    usage: Usage


def agreement_years(year: int) -> QuerySet[AgreementYear]:
    on = dt.date(year, 12, 31)
    return (
        AgreementYear.objects.filter(year=year, agreement__valid_from__lte=on)
        .exclude(agreement__valid_until__lt=dt.date(year, 1, 1))
        .select_related("agreement__municipality__region", "agreement__regional_authority")
    )


def usage_table(
    *, actor: Actor, year: int, region: str = "", search: str = ""
) -> list[MunicipalityUsage]:
    """Usage per municipality with an agreement for `year` (optionally one region, and only
    municipalities whose name in Finnish, Swedish or English or whose code contains `search`,
    case ignored), in the order of municipality codes (`sort_usage` sorts them otherwise).

    Places are not personal data: regional authorities, KEHA and the ministry see the whole
    country; municipal staff see their own municipality.
    """
    from kotopaikka.access.policy import can

    if not (can(actor, Op.AGREEMENT_VIEW) or can(actor, Op.PLACEMENT_DASHBOARD)):
        require(actor, Op.AGREEMENT_VIEW)
    years = agreement_years(year)
    if region:
        years = years.filter(agreement__municipality__region__code=region)
    org = actor.organisation
    if org.kind == Organisation.Kind.MUNICIPALITY:
        years = years.filter(agreement__municipality_id=org.municipality_id)
    years = list(years.order_by("agreement__municipality__code"))
    if search.strip():
        # in Python: SQLite's LIKE ignores the case of ASCII letters only (Å, Ä, Ö)
        wanted = search.strip().casefold()
        years = [y for y in years if wanted in _searchable(y.agreement.municipality)]
    usage = usage_by_year(years)
    return [MunicipalityUsage(y.agreement.municipality, y, usage[y.pk]) for y in years]


def _searchable(municipality: Municipality) -> str:
    m = municipality
    return "\n".join((m.code, m.name_fi, m.name_sv, m.name_en)).casefold()


#: `?sort=` of the agreements list (and of the usage API): a column, `-` before it descending
USAGE_SORTS = ("name", "region", "version", "agreed", "proposed", "accepted", "arrived", "free")


def _usage_value(row: MunicipalityUsage, column: str) -> object:
    """The persons' figure (or version) of a row's column; None for "no limit"."""
    if column == "version":
        return row.year.agreement.version
    if column == "free":
        return row.usage.free["persons"]
    return getattr(row.usage, column)["persons"]


def sort_usage(rows: list[MunicipalityUsage], sort: str = "name") -> list[MunicipalityUsage]:
    """`rows` in the order `sort` asks for (one of USAGE_SORTS, `-` first for descending).

    Names of municipalities and regions are compared in the user's language (Swedish names
    and å, ä, ö after z in Swedish: `core.collation`); equal values keep the order of the
    municipalities' names; a missing figure (no limit agreed) comes last either way."""
    from kotopaikka.core.collation import sort_key

    descending = sort.startswith("-")
    column = sort.removeprefix("-")
    if column not in USAGE_SORTS:
        raise ValueError(f"unknown sort column {column!r}")
    language = get_language()
    by_name = sorted(rows, key=lambda r: sort_key(r.municipality.name, language))
    if column == "name":
        return by_name[::-1] if descending else by_name
    if column == "region":
        return sorted(
            by_name,
            key=lambda r: sort_key(r.municipality.region.name, language),
            reverse=descending,
        )
    known = [r for r in by_name if _usage_value(r, column) is not None]
    unknown = [r for r in by_name if _usage_value(r, column) is None]
    return sorted(known, key=lambda r: _usage_value(r, column), reverse=descending) + unknown


def usage_by_region(rows: list[MunicipalityUsage]) -> list[tuple[object, Usage]]:
    totals: dict[str, tuple[object, Usage]] = {}
    for row in rows:
        region = row.municipality.region
        totals.setdefault(region.code, (region, Usage()))[1].add(row.usage)
    return [totals[code] for code in sorted(totals)]


def national_usage(rows: list[MunicipalityUsage]) -> Usage:
    total = Usage()
    for row in rows:
        total.add(row.usage)
    return total


# --- national aggregates for the dashboard (counts only) ----------------------------------


def decision_outcomes(*, actor: Actor, year: int) -> dict[str, object]:
    """How proposals of `year` were decided: counts by status and decline reason."""
    require(actor, Op.PLACEMENT_DASHBOARD)
    proposals = Proposal.objects.filter(agreement_year__year=year)
    by_status = {status: 0 for status in Proposal.Status.values}
    for row in proposals.order_by().values("status").annotate(n=Count("pk")):
        by_status[row["status"]] += row["n"]
    reasons = {reason: 0 for reason in Proposal.DeclineReason.values}
    declined = proposals.filter(status=Proposal.Status.DECLINED).order_by()
    for row in declined.values("decline_reason").annotate(n=Count("pk")):
        reasons[row["decline_reason"]] = reasons.get(row["decline_reason"], 0) + row["n"]
    return {
        "by_status": [(Proposal.Status(s).label, n) for s, n in by_status.items()],
        "reasons": [(Proposal.DeclineReason(r).label, n) for r, n in reasons.items() if r],
    }


def national_waiting(*, actor: Actor) -> WaitingFigures:
    """Waiting cases in the whole country: counts and waiting times, no case data."""
    require(actor, Op.PLACEMENT_DASHBOARD)
    today = timezone.localdate()
    rows = list(
        PlacementCase.objects.filter(status=PlacementCase.Status.WAITING).values_list(
            "received_on", "emergency"
        )
    )
    days = [(today - received).days for received, _emergency in rows]
    persons = PlacementCase.objects.filter(status=PlacementCase.Status.WAITING).aggregate(
        n=Count("members")
    )["n"]
    return WaitingFigures(
        count=len(rows),
        emergency=sum(1 for _r, emergency in rows if emergency),
        persons=persons or 0,
        median_days=statistics.median(days) if days else None,
        max_days=max(days) if days else None,
    )


def agreement_get(*, actor: Actor, agreement_id: int):
    """An agreement with its years and change history (django-auditlog), or 404.

    Municipal staff see only their own municipality's agreement.
    """
    from auditlog.models import LogEntry
    from django.http import Http404

    require(actor, Op.AGREEMENT_VIEW)
    queryset = PlacementAgreement.objects.select_related(
        "municipality", "regional_authority"
    ).prefetch_related("years")
    if actor.organisation.kind == Organisation.Kind.MUNICIPALITY:
        queryset = queryset.filter(municipality_id=actor.organisation.municipality_id)
    agreement = queryset.filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404
    year_ids = [y.pk for y in agreement.years.all()]
    history = [
        *LogEntry.objects.get_for_object(agreement).select_related("actor"),
        *LogEntry.objects.get_for_objects(
            AgreementYear.objects.filter(pk__in=year_ids)
        ).select_related("actor"),
    ]
    history.sort(key=lambda e: e.timestamp, reverse=True)
    return agreement, history


# --- optimiser runs ---------------------------------------------------------------------------


def _run_in_scope(actor: Actor, run_id) -> OptimiserRun:
    """A run of the actor's regional authority, or an audited 404."""
    require(actor, Op.OPTIMISER_RUN)
    return in_scope_or_404(
        OptimiserRun.objects.for_actor(actor), run_id, actor=actor, object_type=RUN, purpose="view"
    )


def run_in_scope(*, actor: Actor, run_id) -> OptimiserRun:
    """The run, if it is the actor's authority's (an audited 404 otherwise); no read event:
    for checks that come before a change, which audits itself."""
    return _run_in_scope(actor, run_id)


def optimiser_run_list(*, actor: Actor, limit: int = 100) -> list[OptimiserRun]:
    """The authority's newest runs (their figures, not their results: no one is named)."""
    require(actor, Op.OPTIMISER_RUN)
    return list(OptimiserRun.objects.for_actor(actor).defer("result")[:limit])


def _record_run_read(actor: Actor, run: OptimiserRun) -> None:
    record_event(
        actor=actor,
        action=AuditEvent.Action.READ,
        object_type=RUN,
        object_id=run.pk,
        subject_ids=run.case_ids,
        fields=["result"],
    )


def optimiser_run_get(*, actor: Actor, run_id) -> OptimiserRun:
    """A run of the actor's regional authority (read audited: it names cases), or 404."""
    run = _run_in_scope(actor, run_id)
    _record_run_read(actor, run)
    return run


def optimiser_run_page(*, actor: Actor, run_id) -> tuple[OptimiserRun, list[dict]]:
    """The run page and its htmx poll: the run, and its result rows once it has finished.

    While the run is queued or running the page shows only its status, stage and progress
    (no personal data), and htmx asks for it again every 2 seconds: those answers write no
    audit event, or a single run would write hundreds. Once the run has finished, the page
    shows the result, which names the cases and where they would go: each answer that shows
    it (the poll that finds the run finished, or any later visit) is an audited read. A run
    outside the actor's scope is an audited 404 on every request.
    """
    run = _run_in_scope(actor, run_id)
    if run.status in (OptimiserRun.Status.QUEUED, OptimiserRun.Status.RUNNING):
        return run, []
    _record_run_read(actor, run)
    return run, run_rows(run)


def waiting_case_ids(*, actor: Actor) -> list[str]:
    return [
        str(pk)
        for pk in PlacementCase.objects.for_actor(actor)
        .filter(status=PlacementCase.Status.WAITING)
        .values_list("pk", flat=True)
    ]


def case_references(*, actor: Actor, case_ids: list[str]) -> dict[str, str]:
    """The references of the cases (of those in the actor's scope) by id, for messages that
    name cases: a reference is what a case worker knows a case by, never its UUID."""
    if not case_ids:
        return {}
    rows = PlacementCase.objects.for_actor(actor).filter(pk__in=case_ids)
    return {str(pk): ref for pk, ref in rows.values_list("pk", "reference")}


def run_rows(run) -> list[dict]:
    """Result rows for the page and the API: case references, municipality names in the
    reader's language, the score's parts and every reason as a sentence
    (`placement.explanations`)."""
    from . import explanations as ex

    assignments = run.result.get("assignments", [])
    unplaced = run.result.get("unplaced", [])
    ids = [a["case"] for a in assignments] + [u["case"] for u in unplaced]
    references = dict(PlacementCase.objects.filter(pk__in=ids).values_list("pk", "reference"))
    references = {str(k): v for k, v in references.items()}
    names = {
        m.code: m.name
        for m in Municipality.objects.filter(code__in=ex.municipality_codes(run.result))
    }
    rows = []
    for a in assignments:
        explanation = a.get("explanation") or {}
        group = explanation.get("group")
        rows.append(
            {
                **a,
                "reference": references.get(a["case"], a["case"]),
                "municipality_name": names.get(a["municipality"], a["municipality"]),
                "components": ex.components_rows(explanation.get("components", {})),
                "group": group,
                "group_components": ex.components_rows(group["components"]) if group else [],
                "alternatives": [
                    {
                        **alt,
                        "name": names.get(alt["municipality"], alt["municipality"]),
                        "text": ex.alternative_text(alt, names),
                    }
                    for alt in explanation.get("alternatives", [])
                ],
            }
        )
    rows += [
        {
            **u,
            "reference": references.get(u["case"], u["case"]),
            "unplaced": True,
            "text": ex.unplaced_text(u, names),
        }
        for u in unplaced
    ]
    return rows


def move_notice_list(*, actor: Actor, limit: int = 200) -> list[MoveNotice]:
    """The move notices the actor may see (`placement.scope.move_notice_scope_q`): open ones
    first. One audited list naming the persons of the notices shown."""
    notices = list(
        MoveNotice.objects.for_actor(actor)
        .select_related("case", "municipality", "person")
        .order_by(Case(When(status=MoveNotice.Status.OPEN, then=0), default=1), "-reported_at")[
            :limit
        ]
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type=MOVE,
        subject_ids=sorted({str(n.person_id) for n in notices if n.person_id}),
        fields=["case", "municipality", "moved_on", "status"],
        detail={"count": len(notices)},
    )
    return notices
