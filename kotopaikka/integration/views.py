"""Integration-service pages: the municipality's clients, the client record and its health
information. Thin: forms parse, selectors read (scope, audit), services change."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import can
from kotopaikka.core.decorators import requires
from kotopaikka.core.operations import Op

from . import selectors, services
from .forms import (
    ClientFilterForm,
    ClientForm,
    ContactForm,
    HealthForm,
    ReviewForm,
    TransferForm,
    WaitingForm,
)


@requires(Op.CLIENT_VIEW)
def client_list(request: HttpRequest) -> HttpResponse:
    form = ClientFilterForm(request.GET or None)
    filters = selectors.ClientFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.ClientFilters(search=d["q"], status=d["status"], mine=d["mine"])
    clients = selectors.client_list(actor=request.actor, filters=filters)
    return render(
        request,
        "integration/client_list.html",
        {"clients": clients, "filter_form": form},
        status=400 if form.errors else 200,
    )


@requires(Op.CLIENT_VIEW)
def client_detail(request: HttpRequest, client_id) -> HttpResponse:
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    return render(
        request,
        "integration/client_detail.html",
        {
            "client": client,
            "health": getattr(client, "health", None) if client.health_visible else None,
            "can_edit": can(request.actor, Op.CLIENT_UPDATE),
            "can_orientation": can(request.actor, Op.ORIENTATION_MANAGE),
            "review_form": ReviewForm(prefix=None, initial={"reviewed_on": timezone.localdate()}),
            "contact_form": ContactForm(
                prefix="contact", initial={"contacted_on": timezone.localdate(), "minutes": 30}
            ),
            "transfer_form": TransferForm(prefix="transfer"),
            "waiting_form": WaitingForm(
                initial={"language": client.interpreter_language, "since": timezone.localdate()}
            ),
        },
    )


@requires(Op.CLIENT_UPDATE)
def client_edit(request: HttpRequest, client_id) -> HttpResponse:
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    form = ClientForm(request.POST or None, client=client, initial=ClientForm.initial_from(client))
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(actor=request.actor, client_id=client.pk, data=form.to_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("integration:client", client_id=client.pk)
    return render(
        request,
        "integration/client_form.html",
        {"client": client, "form": form},
        status=400 if form.errors else 200,
    )


@requires(Op.CLIENT_HEALTH)
def client_health(request: HttpRequest, client_id) -> HttpResponse:
    client = selectors.client_get(actor=request.actor, client_id=client_id)
    health = getattr(client, "health", None)
    initial = (
        {"functional_capacity": health.functional_capacity, "health_notes": health.health_notes}
        if health
        else {}
    )
    form = HealthForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_health_update(
                actor=request.actor, client_id=client.pk, **form.cleaned_data
            )
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("integration:client", client_id=client.pk)
    return render(
        request,
        "integration/health_form.html",
        {"client": client, "form": form},
        status=400 if form.errors else 200,
    )
