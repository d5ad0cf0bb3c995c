"""The portal: home page with the tasks of the acting role, role switching, health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotopaikka.access.middleware import SESSION_KEY
from kotopaikka.access.policy import NoRoleError, resolve_actor

from . import accessibility, navigation


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"tasks": navigation.tasks(request.actor)})


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
