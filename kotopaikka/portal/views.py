"""The portal: home page with the tasks of the acting role, role switching, health check."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kotopaikka.access.middleware import SESSION_KEY
from kotopaikka.access.policy import NoRoleError, can, resolve_actor
from kotopaikka.access.roles import Op

from . import accessibility


@dataclass(frozen=True)
class Task:
    title: str
    description: str
    url: str


def _tasks(actor) -> list[Task]:
    """The cards on the home page: what this role does in Kotopaikka, only what it may do."""
    candidates = [
        (
            Op.CLIENT_VIEW,
            gettext_lazy("Integration clients"),
            gettext_lazy("Your municipality's clients: status, dates, responsible worker."),
            "integration:clients",
        ),
        (
            Op.CLIENT_VIEW,
            gettext_lazy("Work queue"),
            gettext_lazy("Assessments, plans, reviews and orientation hours due or overdue."),
            "integration:queue",
        ),
        (
            Op.ORIENTATION_MANAGE,
            gettext_lazy("Multilingual civic orientation"),
            gettext_lazy("Course groups by language, sessions, attendance and waiting lists."),
            "integration:groups",
        ),
        (
            Op.CLIENT_VIEW,
            gettext_lazy("Guidance and advice"),
            gettext_lazy("Anonymous contacts and the year's guidance statistics by topic."),
            "integration:guidance",
        ),
        (
            Op.CLIENT_UPDATE,
            gettext_lazy("Moves between municipalities"),
            gettext_lazy("Take over clients who move in, and see who moved without a request."),
            "integration:transfers",
        ),
        (
            Op.RETENTION_MANAGE,
            gettext_lazy("Retention"),
            gettext_lazy("Client records past their retention period, for deletion."),
            "integration:retention",
        ),
        (
            Op.PROPOSAL_DECIDE,
            gettext_lazy("Incoming proposals"),
            gettext_lazy("Accept or decline the cases proposed to your municipality."),
            "placement:inbox",
        ),
        (
            Op.CASE_LIST,
            gettext_lazy("Placement cases"),
            gettext_lazy("Cases waiting for a municipality, with filters and waiting times."),
            "placement:queue",
        ),
        (
            Op.CASE_IMPORT,
            gettext_lazy("Import cases"),
            gettext_lazy("Resettlement registration data from CSV or JSON, with a report per row."),
            "placement:case_import",
        ),
        (
            Op.SELF_MOVE_RECORD,
            gettext_lazy("Self-arranged moves"),
            gettext_lazy("Report a person who moved to your municipality on their own."),
            "placement:moves",
        ),
        (
            Op.SELF_MOVE_RESOLVE,
            gettext_lazy("Self-arranged moves"),
            gettext_lazy("Confirm or reject municipalities' reports of self-arranged moves."),
            "placement:moves",
        ),
        (
            Op.AGREEMENT_VIEW,
            gettext_lazy("Municipal places"),
            gettext_lazy("Agreements and places: agreed, proposed, accepted, arrived, free."),
            "placement:agreements",
        ),
        (
            Op.PLACEMENT_DASHBOARD,
            gettext_lazy("Placement dashboard"),
            gettext_lazy("Places by region and municipality on a map, waiting times, decisions."),
            "placement:dashboard",
        ),
        (
            Op.PERSON_LIST,
            gettext_lazy("Persons"),
            gettext_lazy("Find and open the persons whose case is with your organisation."),
            "people:list",
        ),
        (
            Op.PERSON_CREATE,
            gettext_lazy("Register a person"),
            gettext_lazy("Enter a new person, with a duplicate check."),
            "people:create",
        ),
        (
            (Op.PERSON_MERGE, Op.PERSON_LIST),
            gettext_lazy("Possible duplicates"),
            gettext_lazy("Records that may be one person: compare them and merge."),
            "people:duplicates",
        ),
        (
            Op.PERSON_UNMERGE,
            gettext_lazy("Merges of duplicate records"),
            gettext_lazy("Every merge of person records, and undoing one made in error."),
            "people:merges",
        ),
        (
            Op.REPORTS_VIEW,
            gettext_lazy("Statistics"),
            gettext_lazy("National and regional figures, without personal data."),
            "reporting:statistics",
        ),
        (
            Op.PERSON_LIST_PSEUDONYMISED,
            gettext_lazy("Pseudonymised data"),
            gettext_lazy("Person-level data without names or identity codes."),
            "people:pseudonymised",
        ),
        (
            Op.REGISTRY_VIEW,
            gettext_lazy("Municipalities"),
            gettext_lazy("All municipalities with their regions, authorities and key figures."),
            "registry:municipalities",
        ),
        (
            Op.REGISTRY_VIEW,
            gettext_lazy("Legal rules and deadlines"),
            gettext_lazy("Every deadline, limit and rate with its legal source and its date."),
            "rules:list",
        ),
        (
            Op.REGISTRY_MANAGE,
            gettext_lazy("Administration"),
            gettext_lazy("Reference data, users and their roles."),
            "admin:index",
        ),
        (
            Op.AUDIT_VERIFY,
            gettext_lazy("Verify the audit log"),
            gettext_lazy("Check that no audit event has been changed or removed."),
            "audit_verify",
        ),
    ]
    return [
        Task(str(t), str(d), reverse(url))
        for ops, t, d, url in candidates
        if all(can(actor, op) for op in (ops if isinstance(ops, tuple) else (ops,)))
    ]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"tasks": _tasks(request.actor)})


@require_POST
def switch_role(request: HttpRequest) -> HttpResponse:
    assignment_id = request.POST.get("assignment", "")
    try:
        actor = resolve_actor(request.user, assignment_id)
    except NoRoleError:
        messages.error(request, _("That role is not yours."))
    else:
        request.session[SESSION_KEY] = actor.assignment.pk
        messages.success(request, _("You now act as %(role)s.") % {"role": actor.assignment})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return redirect(target)


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@login_not_required
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (saavutettavuusseloste) that Act 306/2019 requires, open to
    everyone (also before logging in) and linked from every page's footer. Its content is
    `portal.accessibility`, which the CI audit checks against what it finds."""
    return render(
        request,
        "portal/accessibility.html",
        {
            "statement": accessibility,
            "fully": accessibility.conformance() == accessibility.FULLY,
            "issues": accessibility.KNOWN_ISSUES,
            "feedback_email": settings.ACCESSIBILITY_FEEDBACK_EMAIL,
        },
    )
