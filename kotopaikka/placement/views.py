"""Placement pages: the queue, cases, import, proposals, decisions, arrivals, agreements and
the dashboard. Thin: forms parse, selectors read (scope, audit), services change."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kotopaikka.access.policy import can
from kotopaikka.access.roles import Op
from kotopaikka.core import changelog
from kotopaikka.core.decorators import requires
from kotopaikka.core.forms import error_messages
from kotopaikka.optimiser.model import DIMENSIONS
from kotopaikka.people import services as people_services
from kotopaikka.registry.models import Region

from . import importing, runs, selectors, services, workflow
from .explanations import run_summary
from .forms import (
    AgreementForm,
    ArrivalForm,
    CaseForm,
    DateForm,
    DecisionForm,
    ImportForm,
    MoveResolutionForm,
    ProposeForm,
    SelfMoveForm,
    member_identity_forms,
)
from .maps import LEGEND, free_places_map, map_rows, region_bars
from .models import Need
from .params import int_or_none, queue_filter_form, queue_filters, year_param


@requires(Op.CASE_LIST)
def queue(request: HttpRequest) -> HttpResponse:
    form = queue_filter_form(request.GET)
    try:
        filters = queue_filters(form)
    except ValidationError as error:  # shown at the filters (the form's errors), like the API's
        errors = error.message_dict
        cases, figures = [], None
    else:
        errors = {}
        cases, figures = selectors.case_queue(actor=request.actor, filters=filters)
    return render(
        request,
        "placement/queue.html",
        {
            "cases": cases,
            "figures": figures,
            "filter_form": form,
            "filter_errors": errors,
            "can_create": can(request.actor, Op.CASE_CREATE),
            "can_import": can(request.actor, Op.CASE_IMPORT),
            "can_run": can(request.actor, Op.OPTIMISER_RUN),
        },
        status=400 if errors else 200,
    )


@requires(Op.CASE_CREATE)
def case_create(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.actor, data=form.to_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Case registered."))
            return redirect("placement:case", case_id=case.pk)
    return render(
        request, "placement/case_form.html", {"form": form}, status=400 if form.errors else 200
    )


@requires(Op.CASE_IMPORT)
def case_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        is_json, text = form.cleaned_data["file"]
        run = importing.import_json if is_json else importing.import_csv
        report = run(actor=request.actor, text=text)
    return render(request, "placement/import.html", {"form": form, "report": report})


@requires(Op.CASE_VIEW)
def case_detail(request: HttpRequest, case_id) -> HttpResponse:
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    actor = request.actor
    proposals = list(case.proposals.all())
    for proposal in proposals:  # what the workflow allows now (the buttons shown)
        proposal.allowed = workflow.allowed_actions(case, proposal)
        proposal.arrival_form = ArrivalForm(prefix=f"arrival-{proposal.pk}")
    case_actions = workflow.allowed_actions(case)
    return render(
        request,
        "placement/case_detail.html",
        {
            "case": case,
            "proposals": proposals,
            "propose_form": ProposeForm() if workflow.Action.PROPOSE in case_actions else None,
            "decision_form": DecisionForm(),
            "date_form": DateForm(),
            "can_propose": can(actor, Op.PROPOSAL_CREATE),
            "can_decide": can(actor, Op.PROPOSAL_DECIDE),
            "can_record_decision": can(actor, Op.PLACEMENT_DECIDE),
            "can_record_arrival": can(actor, Op.ARRIVAL_RECORD),
            "can_record_identities": can(actor, Op.CASE_IDENTITIES_RECORD)
            and workflow.Action.RECORD_IDENTITIES in case_actions
            and any(m.person_id is None for m in case.members.all()),
            "need_labels": dict(Need.choices),
        },
    )


@requires(Op.CASE_IDENTITIES_RECORD)
def case_identities(request: HttpRequest, case_id) -> HttpResponse:
    """Enter the identities of an accepted case's members from the personal data form."""
    case = selectors.case_get(actor=request.actor, case_id=case_id)
    open_members = [m for m in case.members.all() if m.person_id is None]
    forms = member_identity_forms(open_members, request.POST or None)
    duplicates: dict[int, list] = {}
    status = 200
    if request.method == "POST":
        status = 400
        if all(form.is_valid() for form in forms):
            try:
                services.case_identities_record(
                    actor=request.actor,
                    case_id=case.pk,
                    identities=[
                        services.MemberIdentity(form.member.pk, form.to_family_member())
                        for form in forms
                    ],
                )
            except people_services.FamilyDuplicatesWarning as warning:
                duplicates, status = warning.matches, 409
            except ValidationError as error:
                _member_errors(forms, error)
            else:
                messages.success(request, _("The members' identities were saved."))
                return redirect("placement:case", case_id=case.pk)
    for number, form in enumerate(forms, start=1):
        form.duplicates = duplicates.get(number, [])
        if not form.duplicates and not form["confirm_possible_duplicate"].value():
            del form.fields["confirm_possible_duplicate"]  # offered only with a warning
    return render(
        request,
        "placement/case_identities.html",
        {"case": case, "forms": forms, "has_duplicates": bool(duplicates)},
        status=status,
    )


def _member_errors(forms, error: ValidationError) -> None:
    """Put the service's `members.<n>.<field>` errors on member n's form."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error.messages)
        return
    for key, messages_ in error.message_dict.items():
        parts = key.split(".", 2)
        if parts[0] == "members" and len(parts) == 3 and parts[1].isdigit():
            form = forms[int(parts[1]) - 1]
            form.add_service_errors(ValidationError({parts[2]: messages_}))
        else:
            forms[0].add_error(None, messages_)


def _after_action(request: HttpRequest, case_id, func) -> HttpResponse:
    try:
        func()
    except ValidationError as error:  # CapacityExceeded included
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect("placement:case", case_id=case_id)


@require_POST
@requires(Op.PROPOSAL_CREATE)
def propose(request: HttpRequest, case_id) -> HttpResponse:
    form = ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a municipality code."))
        return redirect("placement:case", case_id=case_id)
    return _after_action(
        request,
        case_id,
        lambda: services.proposal_create(
            actor=request.actor,
            case_id=case_id,
            municipality_code=form.cleaned_data["municipality"].zfill(3),
            deadline=form.cleaned_data["deadline"],
        ),
    )


@require_POST
@requires(Op.PROPOSAL_DECIDE)
def decide(request: HttpRequest, proposal_id) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for message in error_messages(form):
            messages.error(request, message)
        return redirect("placement:inbox")
    try:
        proposal = services.proposal_decide(
            actor=request.actor,
            proposal_id=proposal_id,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:  # CapacityExceeded included
        for message in error.messages:
            messages.error(request, message)
        return redirect("placement:inbox")
    messages.success(request, _("Decision saved."))
    return redirect("placement:case", case_id=proposal.case_id)


@require_POST
@requires(Op.PROPOSAL_WITHDRAW)
def withdraw(request: HttpRequest, case_id, proposal_id) -> HttpResponse:
    return _after_action(
        request,
        case_id,
        lambda: services.proposal_withdraw(actor=request.actor, proposal_id=proposal_id),
    )


@require_POST
@requires(Op.PLACEMENT_DECIDE)
def placement_decision(request: HttpRequest, case_id, proposal_id) -> HttpResponse:
    form = DateForm(request.POST)
    day = form.cleaned_data["date"] if form.is_valid() else timezone.localdate()
    return _after_action(
        request,
        case_id,
        lambda: services.placement_decide(
            actor=request.actor, proposal_id=proposal_id, decided_on=day
        ),
    )


@require_POST
@requires(Op.ARRIVAL_RECORD)
def arrival(request: HttpRequest, case_id, proposal_id) -> HttpResponse:
    selectors.proposal_in_scope(actor=request.actor, proposal_id=proposal_id, purpose="arrival")
    form = ArrivalForm(request.POST, prefix=f"arrival-{proposal_id}")
    if not form.is_valid():
        for message in error_messages(form):
            messages.error(request, message)
        return redirect("placement:case", case_id=case_id)
    return _after_action(
        request,
        case_id,
        lambda: services.arrival_record(
            actor=request.actor, proposal_id=proposal_id, **form.cleaned_data
        ),
    )


@requires(Op.PROPOSAL_DECIDE)
def inbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "pending")
    try:
        proposals = selectors.proposal_inbox(actor=request.actor, status=status)
    except ValidationError as error:  # a status outside the list
        proposals, code = [], 400
        for message in error.messages:
            messages.error(request, message)
    else:
        code = 200
    return render(
        request,
        "placement/inbox.html",
        {
            "proposals": proposals,
            "status": status,
            "decision_form": DecisionForm(),
            "today": timezone.localdate(),
        },
        status=code,
    )


@requires(Op.SELF_MOVE_RECORD)
def self_move(request: HttpRequest) -> HttpResponse:
    """Report a self-arranged move: the identity lookup, then a notice to the authority."""
    form = SelfMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.self_move_report(
                actor=request.actor,
                identity_code=d["identity_code"],
                date_of_birth=d["date_of_birth"],
                moved_on=d["moved_on"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Reported. The regional authority that holds the case confirms the move; "
                    "you see the persons once it has."
                ),
            )
            return redirect("placement:moves")
    return render(
        request, "placement/self_move.html", {"form": form}, status=400 if form.errors else 200
    )


def _may_see_moves(request: HttpRequest) -> None:
    if not (can(request.actor, Op.SELF_MOVE_RECORD) or can(request.actor, Op.SELF_MOVE_RESOLVE)):
        raise PermissionDenied(Op.SELF_MOVE_RECORD.value)


def move_notices(request: HttpRequest) -> HttpResponse:
    _may_see_moves(request)
    notices = selectors.move_notice_list(actor=request.actor)
    return render(
        request,
        "placement/move_notices.html",
        {
            "notices": notices,
            "can_resolve": can(request.actor, Op.SELF_MOVE_RESOLVE),
            "can_report": can(request.actor, Op.SELF_MOVE_RECORD),
            "resolution_form": MoveResolutionForm(),
        },
    )


@require_POST
@requires(Op.SELF_MOVE_RESOLVE)
def move_resolve(request: HttpRequest, notice_id) -> HttpResponse:
    form = MoveResolutionForm(request.POST)
    if not form.is_valid():
        for message in error_messages(form):
            messages.error(request, message)
        return redirect("placement:moves")
    try:
        notice = services.move_notice_resolve(
            actor=request.actor,
            notice_id=notice_id,
            confirm=form.cleaned_data["decision"] == "confirm",
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:  # CapacityExceeded included
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The move notice is %(status)s.") % {"status": notice.get_status_display()}
        )
    return redirect("placement:moves")


@requires(Op.AGREEMENT_VIEW)
def agreements(request: HttpRequest) -> HttpResponse:
    """The agreements of a year: searchable by the municipality's name, sortable by each
    column, 50 a page; the state is in the query (`year`, `region`, `q`, `sort`, `page`)."""
    year = year_param(request.GET.get("year"))
    region = request.GET.get("region", "")
    search = request.GET.get("q", "")[:100]
    sort = request.GET.get("sort", "name")
    if sort.removeprefix("-") not in selectors.USAGE_SORTS:
        sort = "name"
    rows = selectors.usage_table(actor=request.actor, year=year, region=region, search=search)
    page = Paginator(selectors.sort_usage(rows, sort), AGREEMENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    state = {"year": year, "region": region, "q": search.strip()}
    return render(
        request,
        "placement/agreements.html",
        {
            "rows": page.object_list,
            "page_obj": page,
            "total": page.paginator.count,
            "query": urlencode({k: v for k, v in {**state, "sort": sort}.items() if v}),
            "columns": sort_columns(AGREEMENT_COLUMNS, sort, state),
            "year": year,
            "regions": Region.objects.all(),
            "region": region,
            "q": search.strip(),
            "sort": sort,
            "can_manage": can(request.actor, Op.AGREEMENT_MANAGE),
            "can_move": can(request.actor, Op.SELF_MOVE_RECORD),
        },
    )


AGREEMENTS_PAGE_SIZE = 50
#: the agreements table's columns: (sort key, label, numeric)
AGREEMENT_COLUMNS = [
    ("name", gettext_lazy("Municipality"), False),
    ("region", gettext_lazy("Region"), False),
    ("version", gettext_lazy("Version"), True),
    ("agreed", gettext_lazy("Agreed"), True),
    ("proposed", gettext_lazy("Proposed"), True),
    ("accepted", gettext_lazy("Accepted"), True),
    ("arrived", gettext_lazy("Arrived"), True),
    ("free", gettext_lazy("Free"), True),
]


def sort_columns(columns, sort: str, state: dict) -> list[dict]:
    """Each column's header: its link (the same query, sorted by it: ascending, or descending
    when it is the ascending sort already) and its aria-sort."""
    result = []
    for key, label, numeric in columns:
        direction = ""
        if sort == key:
            direction = "ascending"
        elif sort == f"-{key}":
            direction = "descending"
        target = f"-{key}" if direction == "ascending" else key
        query = urlencode({k: v for k, v in {**state, "sort": target}.items() if v})
        result.append(
            {"label": label, "numeric": numeric, "href": f"?{query}", "aria_sort": direction}
        )
    return result


@requires(Op.AGREEMENT_MANAGE)
def agreement_edit(request: HttpRequest) -> HttpResponse:
    """A new agreement, or (`?agreement=<id>`) a revision of a stored one, prefilled with it
    and its places for `?year=` (default: this year)."""
    initial = {"year": timezone.localdate().year}
    agreement_id = int_or_none(request.GET.get("agreement"))
    if agreement_id is not None:
        agreement, _history = selectors.agreement_get(
            actor=request.actor, agreement_id=agreement_id
        )
        initial = AgreementForm.initial_from(agreement, year_param(request.GET.get("year")))
    form = AgreementForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.agreement_save(
                actor=request.actor,
                municipality_code=d["municipality"].zfill(3),
                valid_from=d["valid_from"],
                valid_until=d["valid_until"],
                years={d["year"]: {dim: d[dim] for dim in DIMENSIONS}},
                services=list(d["services"]),
                accepts_emergency_cases=d["accepts_emergency_cases"],
                wellbeing_county_consulted_on=d["wellbeing_county_consulted_on"],
                document=d["document"],
                agreement_id=agreement_id,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("placement:agreements")
    return render(
        request, "placement/agreement_form.html", {"form": form}, status=400 if form.errors else 200
    )


@requires(Op.PLACEMENT_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    year = year_param(request.GET.get("year"))
    rows = selectors.usage_table(actor=request.actor, year=year)
    if request.GET.get("format") == "csv":
        return _usage_csv(rows, year)
    regions = selectors.usage_by_region(rows)
    municipalities = map_rows(rows)
    return render(
        request,
        "placement/dashboard.html",
        {
            "year": year,
            "rows": rows,
            "regions": regions,
            "nation": selectors.national_usage(rows),
            "decisions": selectors.decision_outcomes(actor=request.actor, year=year),
            "waiting": selectors.national_waiting(actor=request.actor),
            "map_svg": free_places_map(municipalities),
            "map_rows": municipalities,
            "map_legend": LEGEND,
            "bars_svg": region_bars(regions),
        },
    )


def _usage_csv(rows, year: int) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="municipal-places-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "municipality_code",
            "municipality",
            "region",
            *[
                f"{b}_{d}"
                for b in ("agreed", "proposed", "accepted", "arrived", "free")
                for d in DIMENSIONS
            ],
        ]
    )
    for row in rows:
        u = row.usage
        writer.writerow(
            [row.municipality.code, row.municipality.name, row.municipality.region.name]
            + [
                ("" if getattr(u, b)[d] is None else getattr(u, b)[d])
                if b != "free"
                else ("" if u.free[d] is None else u.free[d])
                for b in ("agreed", "proposed", "accepted", "arrived", "free")
                for d in DIMENSIONS
            ]
        )
    return response


@requires(Op.AGREEMENT_VIEW)
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement, history = selectors.agreement_get(actor=request.actor, agreement_id=agreement_id)
    years = {str(y.pk): y.year for y in agreement.years.all()}
    return render(
        request,
        "placement/agreement_detail.html",
        {
            "agreement": agreement,
            "history": changelog.describe(
                history,
                # a year's places, or (no year: the agreement itself) nothing to add
                subject=lambda e: (
                    _("Agreed places for %(year)s") % {"year": years[e.object_pk]}
                    if e.object_pk in years and e.content_type.model == "agreementyear"
                    else ""
                ),
                hidden={"agreement"},
                value_labels={"services": dict(Need.choices)},
            ),
            "can_manage": can(request.actor, Op.AGREEMENT_MANAGE),
        },
    )


@requires(Op.AGREEMENT_VIEW)
def agreement_document(request: HttpRequest, agreement_id: int) -> FileResponse:
    """The signed agreement, served only to those who may see agreements (not from /media/)."""
    agreement, _history = selectors.agreement_get(actor=request.actor, agreement_id=agreement_id)
    if not agreement.document:
        raise Http404
    return FileResponse(
        agreement.document.open("rb"),
        as_attachment=True,
        filename=f"agreement-{agreement.municipality.code}.pdf",
    )


@require_POST
@requires(Op.OPTIMISER_RUN)
def run_start(request: HttpRequest) -> HttpResponse:
    """Start an optimiser run for all waiting cases (or a re-run with locks and exclusions)."""
    time_limit = int_or_none(request.POST.get("time_limit", "")) or 10
    previous = request.POST.get("previous", "")
    try:
        if previous:  # the pairs chosen on the earlier run's page
            choices = {
                key.removeprefix("pair-"): value
                for key, value in request.POST.items()
                if key.startswith("pair-")
            }
            run = runs.optimiser_rerun(
                actor=request.actor,
                previous_id=previous,
                lock=[c for c, v in choices.items() if v == "lock"],
                exclude=[c for c, v in choices.items() if v == "exclude"],
                time_limit=time_limit,
            )
        else:
            run = runs.optimiser_run_start(
                actor=request.actor, year=timezone.localdate().year, time_limit=time_limit
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("placement:queue")
    return redirect("placement:run", run_id=run.pk)


@requires(Op.OPTIMISER_RUN)
def run_detail(request: HttpRequest, run_id) -> HttpResponse:
    run, rows = selectors.optimiser_run_page(actor=request.actor, run_id=run_id)
    context = {"run": run, "rows": rows, "summary": run_summary(run)}
    if request.headers.get("HX-Request"):
        return render(request, "placement/_run_status.html", context)
    return render(request, "placement/run.html", context)


@require_POST
@requires(Op.PROPOSAL_CREATE)
def run_send(request: HttpRequest, run_id) -> HttpResponse:
    try:
        sent, not_sent = runs.optimiser_run_send(actor=request.actor, run_id=run_id)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("placement:run", run_id=run_id)
    messages.success(request, _("%(n)s proposals sent.") % {"n": len(sent)})
    references = selectors.case_references(actor=request.actor, case_ids=list(not_sent))
    for case_id, reason in not_sent.items():
        messages.warning(
            request,
            _("%(case)s: %(reason)s")
            % {
                "case": references.get(case_id, _("a case no longer in your scope")),
                "reason": reason,
            },
        )
    return redirect("placement:queue")
