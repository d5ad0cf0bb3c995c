"""Pages of the integration services after the record: assessment, plan, review, civic
orientation and the work queue. Thin: forms parse, selectors read (scope, audit), services
change; a service's refusal goes back onto the form, field by field."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotopaikka.access.policy import can
from kotopaikka.core.decorators import requires
from kotopaikka.core.forms import error_messages
from kotopaikka.core.operations import Op

from . import (
    assessments,
    guidance,
    minors,
    orientation,
    plan_pdf,
    plans,
    retention,
    selectors,
    transfers,
)
from .forms import (
    AnonymousContactForm,
    AssessmentForm,
    ContactForm,
    EnrolForm,
    GroupForm,
    MeasureFormSet,
    MinorSupportForm,
    PlanForm,
    ReviewForm,
    SelfStudyForm,
    SessionForm,
    TransferDecisionForm,
    TransferForm,
    WaitingForm,
    plan_data,
)
from .models import IntegrationClient


def _form_page(request, template, context, form) -> HttpResponse:
    return render(request, template, context, status=400 if form.errors else 200)


@requires(Op.CLIENT_UPDATE)
def assessment_new(request: HttpRequest, client_id) -> HttpResponse:
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    form = AssessmentForm(
        request.POST or None,
        client=client,
        initial={"held_by": request.user.pk, "language": client.interpreter_language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessments.assessment_save(
                actor=request.actor, client_id=client.pk, data=form.to_data()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("integration:client", client_id=client.pk)
    return _form_page(
        request, "integration/assessment_form.html", {"client": client, "form": form}, form
    )


def _plan_initial(client: IntegrationClient) -> tuple[dict, list[dict]]:
    current = client.plans.all()[0] if client.plans.all() else None
    if current is None:
        return {"responsible_worker": client.responsible_worker_id}, []
    fields = ("starts_on", "ends_on", "goals", "agreed_on", "agreed_how", "length_reason")
    initial = {name: getattr(current, name) for name in fields}
    initial["responsible_worker"] = current.responsible_worker_id
    initial["agreement_interpreter"] = current.agreement_interpreter
    rows = [
        {
            "service": m.service,
            "provider": m.provider,
            "description": m.description,
            "hours": m.hours,
            "starts_on": m.starts_on,
            "ends_on": m.ends_on,
            "enrolled_on": m.enrolled_on,
            "final_test_level": m.final_test_level,
        }
        for m in current.measures.all()
    ]
    return initial, rows


@requires(Op.CLIENT_UPDATE)
def plan_new(request: HttpRequest, client_id) -> HttpResponse:
    """A new version of the plan, prefilled from the current one."""
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    initial, rows = _plan_initial(client)
    form = PlanForm(request.POST or None, client=client, initial=initial)
    measures = MeasureFormSet(request.POST or None, initial=rows, prefix="measures")
    if request.method == "POST" and form.is_valid() and measures.is_valid():
        try:
            plans.plan_save(
                actor=request.actor, client_id=client.pk, data=plan_data(form, measures)
            )
        except ValidationError as error:
            _plan_errors(form, measures, error)
        else:
            messages.success(request, _("Integration plan saved."))
            return redirect("integration:client", client_id=client.pk)
    status = (
        400 if form.errors or any(m.errors for m in measures) or form.non_field_errors() else 200
    )
    return render(
        request,
        "integration/plan_form.html",
        {"client": client, "form": form, "measures": measures},
        status=status,
    )


def _plan_errors(form: PlanForm, measures, error: ValidationError) -> None:
    """`measures.<n>.<field>` onto row n of the formset; the rest onto the plan form. The
    rows given to the service are the non-empty ones, in order."""
    filled = [m for m in measures if m.cleaned_data]
    for key, texts in error.message_dict.items():
        parts = key.split(".")
        if parts[0] == "measures" and len(parts) == 3 and int(parts[1]) < len(filled):
            row = filled[int(parts[1])]
            row.add_error(parts[2] if parts[2] in row.fields else None, texts)
        else:
            form.add_error(key if key in form.fields else None, texts)


@require_POST
@requires(Op.CLIENT_UPDATE)
def plan_review(request: HttpRequest, client_id) -> HttpResponse:
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            plans.plan_review_record(actor=request.actor, client_id=client.pk, **form.cleaned_data)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Review recorded."))
    else:
        for text in error_messages(form):
            messages.error(request, text)
    return redirect("integration:client", client_id=client.pk)


@requires(Op.ORIENTATION_MANAGE)
def self_study_new(request: HttpRequest, client_id) -> HttpResponse:
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    form = SelfStudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            orientation.self_study_record(
                actor=request.actor, client_id=client.pk, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Independent study recorded."))
            return redirect("integration:client", client_id=client.pk)
    return _form_page(
        request, "integration/self_study_form.html", {"client": client, "form": form}, form
    )


@require_POST
@requires(Op.ORIENTATION_MANAGE)
def waiting_add(request: HttpRequest, client_id) -> HttpResponse:
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    form = WaitingForm(request.POST)
    if form.is_valid():
        try:
            orientation.waiting_add(actor=request.actor, client_id=client.pk, **form.cleaned_data)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Added to the waiting list."))
    else:
        for text in error_messages(form):
            messages.error(request, text)
    return redirect("integration:client", client_id=client.pk)


@requires(Op.CLIENT_VIEW)
def work_queue(request: HttpRequest) -> HttpResponse:
    team = request.GET.get("team") == "1" and can(request.actor, Op.QUEUE_TEAM)
    show_all = request.GET.get("all") == "1"
    items = selectors.work_queue(actor=request.actor, team=team)
    if not show_all:
        items = [i for i in items if i.state != "upcoming"]
    return render(
        request,
        "integration/work_queue.html",
        {
            "items": items,
            "team": team,
            "show_all": show_all,
            "can_team": can(request.actor, Op.QUEUE_TEAM),
        },
    )


@requires(Op.ORIENTATION_MANAGE)
def groups(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = orientation.group_create(actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Group created."))
            return redirect("integration:group", group_id=group.pk)
    return _form_page(
        request,
        "integration/groups.html",
        {
            "groups": selectors.group_list(actor=request.actor),
            "waiting": selectors.waiting_by_language(actor=request.actor),
            "form": form,
        },
        form,
    )


@requires(Op.ORIENTATION_MANAGE)
def group_detail(request: HttpRequest, group_id) -> HttpResponse:
    group = selectors.group_get(actor=request.actor, group_id=group_id)
    participants = [row["client"] for row in group.rows]
    session_form = SessionForm(participants=participants, prefix="session")
    enrol_form = EnrolForm(choices=_enrol_choices(request, group), prefix="enrol")
    if request.method == "POST" and "session-held_on" in request.POST:
        session_form = SessionForm(request.POST, participants=participants, prefix="session")
        if session_form.is_valid():
            d = session_form.cleaned_data
            try:
                orientation.session_record(
                    actor=request.actor,
                    group_id=group.pk,
                    held_on=d["held_on"],
                    hours=d["hours"],
                    topics=d["topics"],
                    attendance=session_form.attendance(),
                )
            except ValidationError as error:
                session_form.add_service_errors(error)
            else:
                messages.success(request, _("Session recorded."))
                return redirect("integration:group", group_id=group.pk)
    elif request.method == "POST":
        enrol_form = EnrolForm(request.POST, choices=_enrol_choices(request, group), prefix="enrol")
        if enrol_form.is_valid():
            try:
                orientation.group_enrol(
                    actor=request.actor,
                    group_id=group.pk,
                    client_ids=enrol_form.cleaned_data["clients"],
                )
            except ValidationError as error:
                for text in error.messages:
                    enrol_form.add_error(None, text)
            else:
                messages.success(request, _("Clients enrolled."))
                return redirect("integration:group", group_id=group.pk)
    bad = session_form.errors or enrol_form.errors
    return render(
        request,
        "integration/group_detail.html",
        {"group": group, "session_form": session_form, "enrol_form": enrol_form},
        status=400 if bad else 200,
    )


def _enrol_choices(request, group) -> list[tuple[str, str]]:
    """The municipality's active clients not yet in the group (names: the page's read of the
    group is audited with its participants; the candidates are listed through client_list)."""
    enrolled = {row["client"].pk for row in group.rows}
    candidates = selectors.client_list(
        actor=request.actor, filters=selectors.ClientFilters(), limit=500
    )
    return [(str(c.pk), str(c.person)) for c in candidates if c.pk not in enrolled]


@requires(Op.CLIENT_VIEW)
def plan_print(request: HttpRequest, client_id) -> HttpResponse:
    """The current plan as PDF, `?language=fi` (default) or `sv`, with an English summary."""
    language = request.GET.get("language", "fi")
    try:
        client, pdf = plan_pdf.plan_pdf(actor=request.actor, client_id=client_id, language=language)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("integration:client", client_id=client_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"{client.person.family_name}-{client.person.given_names}") or "client"
    response["Content-Disposition"] = f'inline; filename="plan-{name}-{language}.pdf"'
    return response


@require_POST
@requires(Op.CLIENT_UPDATE)
def contact_add(request: HttpRequest, client_id) -> HttpResponse:
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    form = ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        try:
            guidance.contact_record(actor=request.actor, client_id=client.pk, **form.cleaned_data)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Contact recorded."))
    else:
        for text in error_messages(form):
            messages.error(request, text)
    return redirect("integration:client", client_id=client.pk)


@requires(Op.CLIENT_VIEW)
def guidance_page(request: HttpRequest) -> HttpResponse:
    """Anonymous contacts (counts only) and the year's statistics by topic."""
    form = AnonymousContactForm(
        request.POST or None, initial={"contacted_on": timezone.localdate()}
    )
    if request.method == "POST" and can(request.actor, Op.CLIENT_UPDATE) and form.is_valid():
        try:
            guidance.anonymous_contact_record(actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Contact recorded."))
            return redirect("integration:guidance")
    year = timezone.localdate().year
    return render(
        request,
        "integration/guidance.html",
        {
            "form": form,
            "year": year,
            "rows": guidance.statistics(actor=request.actor, year=year),
            "can_edit": can(request.actor, Op.CLIENT_UPDATE),
        },
        status=400 if form.errors else 200,
    )


@requires(Op.CLIENT_UPDATE)
def minor_support(request: HttpRequest, client_id) -> HttpResponse:
    """The unaccompanied minor's representative and housing; the support's end is computed."""
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    current = getattr(client, "minor_support", None)
    initial = (
        {
            "representative": current.representative,
            "representative_contact": current.representative_contact,
            "housing": current.housing,
            "housing_since": current.housing_since,
        }
        if current
        else {}
    )
    form = MinorSupportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            minors.minor_support_save(actor=request.actor, client_id=client.pk, **form.cleaned_data)
        except ValidationError as error:
            for key, texts in error.message_dict.items():
                form.add_error(key if key in form.fields else None, texts)
        else:
            messages.success(request, _("Saved."))
            return redirect("integration:client", client_id=client.pk)
    return _form_page(
        request, "integration/minor_form.html", {"client": client, "form": form}, form
    )


@require_POST
@requires(Op.CLIENT_UPDATE)
def transfer_request(request: HttpRequest, client_id) -> HttpResponse:
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    form = TransferForm(request.POST, prefix="transfer")
    if form.is_valid():
        try:
            transfers.transfer_request(
                actor=request.actor, client_id=client.pk, **form.cleaned_data
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The new municipality has been asked to take over."))
    else:
        for text in error_messages(form):
            messages.error(request, text)
    return redirect("integration:client", client_id=client.pk)


@requires(Op.CLIENT_UPDATE)
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Moves waiting for this municipality, and moves that happened without a request."""
    return render(
        request,
        "integration/transfers.html",
        {
            "incoming": transfers.transfers_incoming(actor=request.actor),
            "moves": transfers.moves_without_request(actor=request.actor),
            "moved_away": transfers.moved_away_on_request(actor=request.actor),
            "form": TransferDecisionForm(),
        },
    )


@require_POST
@requires(Op.CLIENT_UPDATE)
def transfer_decide(request: HttpRequest, transfer_id) -> HttpResponse:
    form = TransferDecisionForm(request.POST)
    if not form.is_valid():
        # the refusal of an outsider must not depend on the body: check the transfer first
        transfers.transfer_decide_check(actor=request.actor, transfer_id=transfer_id)
        for text in error_messages(form):
            messages.error(request, text)
        return redirect("integration:transfers")
    transfer = transfers.transfer_decide(
        actor=request.actor,
        transfer_id=transfer_id,
        accept=form.cleaned_data["decision"] == "accept",
    )
    if transfer.status == "accepted":
        messages.success(request, _("The client's record is now your municipality's."))
        return redirect("integration:client", client_id=transfer.client_id)
    messages.success(request, _("Declined."))
    return redirect("integration:transfers")


@requires(Op.CLIENT_VIEW)
def former_client(request: HttpRequest, client_id) -> HttpResponse:
    client = transfers.former_client_get(actor=request.actor, client_id=client_id)
    return render(request, "integration/former_client.html", {"client": client})


@requires(Op.RETENTION_MANAGE)
def retention_page(request: HttpRequest) -> HttpResponse:
    """Records past their retention period; the supervisor confirms their deletion."""
    try:
        due = retention.retention_due(actor=request.actor)
        unset = None
    except ValidationError as error:  # the retention rule awaits an administrator
        due, unset = [], error.messages
    if request.method == "POST" and not unset:
        try:
            deleted = retention.retention_delete(
                actor=request.actor, client_ids=request.POST.getlist("client")
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("%(n)s records deleted.") % {"n": deleted})
            return redirect("integration:retention")
    return render(
        request,
        "integration/retention.html",
        {"due": due, "unset": unset},
        status=409 if unset and request.method == "POST" else 200,
    )
