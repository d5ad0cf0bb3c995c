"""Person pages. Thin: forms in, selectors and services do the work (scope, audit)."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotopaikka.access.policy import can
from kotopaikka.access.roles import Op, PersonView, Role
from kotopaikka.audit import labels
from kotopaikka.core.decorators import requires
from kotopaikka.registry.models import Organisation

from . import merging, selectors, services
from .forms import HouseholdLinkForm, MergeForm, PersonForm, PersonSearchForm

PAGE_SIZE = 25


@requires(Op.PERSON_LIST)
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET)
    criteria = form.criteria()
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    page = selectors.person_list(
        actor=request.actor, **criteria, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    paginator = Paginator(range(page.total), PAGE_SIZE)
    query = urlencode(
        {k: v for k, v in (("q", criteria["search"]), ("dob", form.data.get("dob", ""))) if v}
    )
    context = {
        "persons": page.persons,
        "total": page.total,
        "q": criteria["search"],
        "form": form,
        "query": query,
        "page_obj": paginator.get_page(page_number),
        "can_create": can(request.actor, Op.PERSON_CREATE),
        "can_merge": can(request.actor, Op.PERSON_MERGE),
    }
    if request.GET.get("picker"):  # the household form's search: radio buttons to choose from
        template = "people/_person_picker.html"
    elif request.headers.get("HX-Request"):
        template = "people/_person_rows.html"
    else:
        template = "people/person_list.html"
    return render(request, template, context)


@requires(Op.PERSON_LIST)
def person_export(request: HttpRequest) -> HttpResponse:
    """CSV of the persons in scope (audited as an export, naming every person in it)."""
    page = selectors.person_list(actor=request.actor, limit=10_000, purpose="export")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="persons.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Family name"), _("Given names"), _("Date of birth"), _("Municipality")])
    for p in page.persons:
        writer.writerow(
            [
                p.family_name,
                p.given_names,
                p.date_of_birth or "",
                p.municipality.name if p.municipality else "",
            ]
        )
    return response


@requires(Op.PERSON_VIEW)
def person_detail(request: HttpRequest, person_id) -> HttpResponse:
    survivor = selectors.merged_record_survivor(actor=request.actor, person_id=person_id)
    if survivor is not None:  # an old address of a record merged into another
        messages.info(request, _("That record was merged into this one."))
        return redirect("people:detail", person_id=survivor)
    person = selectors.person_get(actor=request.actor, person_id=person_id)
    full = request.actor.person_view is PersonView.FULL
    context = {
        "person": person,
        "full": full,
        "can_edit": full and can(request.actor, Op.PERSON_UPDATE),
        "can_delete": can(request.actor, Op.PERSON_DELETE),
        "can_view_access_log": can(request.actor, Op.PERSON_VIEW_ACCESS_LOG),
        "can_merge": full and can(request.actor, Op.PERSON_MERGE),
        "household_form": HouseholdLinkForm(),
    }
    return render(request, "people/person_detail.html", context)


def _render_form(request, form, *, person=None, duplicates=None, status=200):
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": person, "duplicates": duplicates or []},
        status=status,
    )


@requires(Op.PERSON_CREATE)
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.actor,
                data=form.to_data(),
                confirm_possible_duplicate=form.cleaned_data["confirm_possible_duplicate"],
            )
        except services.DuplicatePersonWarning as warning:
            return _render_form(request, form, duplicates=warning.matches, status=409)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Person registered."))
            return redirect("people:detail", person_id=person.pk)
    status = 400 if request.method == "POST" else 200
    return _render_form(request, form, status=status)


@requires(Op.PERSON_UPDATE)
def person_edit(request: HttpRequest, person_id) -> HttpResponse:
    if request.method == "POST":
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                person = services.person_update(
                    actor=request.actor, person_id=person_id, changes=form.to_data().__dict__
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("people:detail", person_id=person.pk)
        person = selectors.person_get(actor=request.actor, person_id=person_id, purpose="edit")
        return _render_form(request, form, person=person, status=400)
    person = selectors.person_get(actor=request.actor, person_id=person_id, purpose="edit")
    form = PersonForm(initial=PersonForm.initial_from(services.PersonData.from_person(person)))
    return _render_form(request, form, person=person)


@require_POST
@requires(Op.PERSON_DELETE)
def person_delete(request: HttpRequest, person_id) -> HttpResponse:
    services.person_delete(actor=request.actor, person_id=person_id)
    messages.success(request, _("Person deleted."))
    return redirect("people:list")


@require_POST
@requires(Op.PERSON_UPDATE)
def household_link(request: HttpRequest, person_id) -> HttpResponse:
    form = HouseholdLinkForm(request.POST)
    if form.is_valid():
        try:
            services.household_link(
                actor=request.actor,
                person_id=person_id,
                relative_id=form.cleaned_data["relative"],
                relation=form.cleaned_data["relation"],
            )
            messages.success(request, _("Family member added."))
        except ValidationError as error:
            for msg in error.messages:
                messages.error(request, msg)
    else:
        messages.error(request, _("Choose a family member and a relation."))
    return redirect("people:detail", person_id=person_id)


@require_POST
@requires(Op.PERSON_UPDATE)
def household_unlink(request: HttpRequest, person_id) -> HttpResponse:
    services.household_unlink(actor=request.actor, person_id=person_id)
    messages.success(request, _("Removed from the household."))
    return redirect("people:detail", person_id=person_id)


@requires(Op.PERSON_VIEW_ACCESS_LOG)
def person_access_log(request: HttpRequest, person_id) -> HttpResponse:
    person, events = selectors.person_access_log(actor=request.actor, person_id=person_id)
    organisations = {
        org.code: org.name
        for org in Organisation.objects.filter(code__in={e.organisation_code for e in events})
    }
    merged = set(selectors.merged_ids(person.pk))
    rows = [
        {
            "event": e,
            "organisation": organisations.get(e.organisation_code, e.organisation_code),
            "role": Role(e.role).label if e.role in Role.values else e.role,
            "merged_record": e.person_id in merged,
            "fields": labels.field_labels(e.object_type, e.fields),
            "channel": labels.channel_label(e.channel),
        }
        for e in events
    ]
    return render(request, "people/person_access_log.html", {"person": person, "rows": rows})


@requires(Op.PERSON_LIST_PSEUDONYMISED)
def pseudonymised_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.pseudonymised_person_list(actor=request.actor)
    return render(request, "people/pseudonymised_list.html", {"rows": rows})


@requires(Op.PERSON_MERGE)
def duplicates(request: HttpRequest) -> HttpResponse:
    """The supervisor's list of records that may be one person."""
    pairs = selectors.possible_duplicates(actor=request.actor)
    return render(request, "people/duplicates.html", {"pairs": pairs})


def _merge_choice(request: HttpRequest, person_id) -> HttpResponse:
    """Choose the record to merge into this one: its possible duplicates, or a search."""
    person = selectors.person_get(actor=request.actor, person_id=person_id, purpose="merge")
    pairs = selectors.possible_duplicates(actor=request.actor, person_id=person.pk)
    candidates = [p.second if p.first.pk == person.pk else p.first for p in pairs]
    search = request.GET.get("q", "")[:100]
    found = []
    if search.strip():
        page = selectors.person_list(actor=request.actor, search=search, limit=PAGE_SIZE)
        found = [p for p in page.persons if p.pk != person.pk]
    context = {"person": person, "candidates": candidates, "found": found, "q": search}
    return render(request, "people/merge_choose.html", context)


def _merge_confirm(request, person_id, duplicate_id, *, problems=(), status=200):
    preview = selectors.merge_preview(
        actor=request.actor, survivor_id=person_id, merged_id=duplicate_id
    )
    context = {
        "preview": preview,
        "problems": [*preview.problems, *problems],
        "same": preview.survivor.pk == preview.merged.pk,
    }
    return render(request, "people/merge_confirm.html", context, status=status)


@requires(Op.PERSON_MERGE)
def merge(request: HttpRequest, person_id) -> HttpResponse:
    """Merge another record into this one (municipal supervisors): choose, compare, confirm."""
    if request.method == "POST":
        form = MergeForm(request.POST)
        if not form.is_valid():
            # the kept record is checked first, so that another municipality's gets its 404
            selectors.person_get(actor=request.actor, person_id=person_id, purpose="merge")
            messages.error(request, _("Choose the record to merge into this one."))
            return redirect("people:merge", person_id=person_id)
        duplicate = form.cleaned_data["duplicate"]
        try:
            merging.person_merge(actor=request.actor, survivor_id=person_id, merged_id=duplicate)
        except merging.PersonMergeRefused as refused:
            return _merge_confirm(
                request, person_id, duplicate, problems=refused.messages, status=409
            )
        except ValidationError as error:
            return _merge_confirm(
                request, person_id, duplicate, problems=error.messages, status=400
            )
        messages.success(request, _("The records were merged."))
        return redirect("people:detail", person_id=person_id)
    duplicate = request.GET.get("duplicate", "")
    if not duplicate:
        return _merge_choice(request, person_id)
    return _merge_confirm(request, person_id, duplicate)


@requires(Op.PERSON_UNMERGE)
def merges(request: HttpRequest) -> HttpResponse:
    """The system administrator's list of merges (ids and counts, no names)."""
    rows = [
        {"merge": m, "counts": merging.counts(m.moves)}
        for m in merging.merge_list(actor=request.actor)
    ]
    return render(request, "people/merges.html", {"rows": rows})


@requires(Op.PERSON_UNMERGE)
def unmerge(request: HttpRequest, merge_id) -> HttpResponse:
    """Undo a merge (system administrators): confirm, then restore."""
    if request.method == "POST":
        try:
            result = merging.person_unmerge(actor=request.actor, merge_id=merge_id)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("people:unmerge", merge_id=merge_id)
        if result.missing:
            messages.warning(
                request,
                _(
                    "The merge was undone. Some rows had changed on the kept record since the "
                    "merge and stay there: %(kinds)s."
                )
                % {"kinds": ", ".join(sorted(result.missing))},
            )
        else:
            messages.success(request, _("The merge was undone."))
        return redirect("people:merges")
    merge_row = merging.merge_get(actor=request.actor, merge_id=merge_id)
    context = {"merge": merge_row, "counts": merging.counts(merge_row.moves)}
    return render(request, "people/unmerge.html", context)
