"""The optimiser's settings pages: the regional authority's placement policy (in force, its
history, a change) and the outcome model (the card of a version, training). Thin: forms
parse, `policy` and `outcome_models` read and change."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopaikka.access.policy import can
from kotopaikka.access.roles import Op
from kotopaikka.core.decorators import requires
from kotopaikka.core.forms import ServiceErrorsMixin

from . import outcome_models, policy
from .calibration import calibration_svg


def _refuse(request: HttpRequest, op: Op) -> None:
    """403 for a change the actor may see but not make (named in the refusal's audit event,
    as `core.decorators.requires` does)."""
    request.refused_operation = op.value
    raise PermissionDenied(op.value)


class PolicyForm(ServiceErrorsMixin, forms.Form):
    emergency_first = forms.BooleanField(
        label=gettext_lazy("Emergency cases first"), required=False
    )
    waiting_weight = forms.DecimalField(
        label=gettext_lazy("Weight of a year of waiting"),
        min_value=0,
        max_value=10,
        decimal_places=2,
        help_text=gettext_lazy("0.5: a person who has waited a year counts 1.5 times."),
    )
    waiting_cap_years = forms.DecimalField(
        label=gettext_lazy("Years of waiting counted at most"),
        min_value=0,
        max_value=10,
        decimal_places=1,
    )
    outcome_weight = forms.DecimalField(
        label=gettext_lazy("Weight of expected employment"),
        min_value=0,
        max_value=10,
        decimal_places=2,
    )
    tie_weight = forms.DecimalField(
        label=gettext_lazy("Weight of a tie"), min_value=0, max_value=10, decimal_places=2
    )
    wish_weight = forms.DecimalField(
        label=gettext_lazy("Weight of a wish"), min_value=0, max_value=10, decimal_places=2
    )
    fairness_weight = forms.DecimalField(
        label=gettext_lazy("Weight of the regional share"),
        min_value=0,
        max_value=10,
        decimal_places=2,
        help_text=gettext_lazy(
            "Per person of deviation from each region's share of the free places; 0: no term."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"), max_length=2000, widget=forms.Textarea
    )


@requires(Op.OPTIMISER_RUN)
def policy_page(request: HttpRequest) -> HttpResponse:
    """The policy in force, its versions, and (for those who may) a form for a new version."""
    current, _row = policy.policy_in_force(request.actor.organisation)
    may_change = can(request.actor, Op.PLACEMENT_POLICY_MANAGE)
    form = None
    if may_change:
        initial = {k: v for k, v in current.as_dict().items() if k != "version"}
        form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                row = policy.policy_change(
                    actor=request.actor,
                    emergency_first=data.pop("emergency_first"),
                    reason=data.pop("reason"),
                    **data,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("Version %(version)s of the policy is in force.") % {"version": row.version},
                )
                return redirect("placement:policy")
    elif request.method == "POST":
        _refuse(request, Op.PLACEMENT_POLICY_MANAGE)
    return render(
        request,
        "placement/policy.html",
        {
            "current": current,
            "default": policy.DEFAULT_POLICY,
            "history": policy.policy_history(request.actor.organisation),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


class HistoryForm(ServiceErrorsMixin, forms.Form):
    history = forms.FileField(
        label=gettext_lazy("History file (CSV, may be gzip-compressed)"), required=False
    )


@requires(Op.OUTCOME_MODEL_VIEW)
def outcome_model_list(request: HttpRequest) -> HttpResponse:
    """The models and training requests; training for those who may."""
    may_train = can(request.actor, Op.OUTCOME_MODEL_TRAIN)
    form = None
    if may_train:  # bound on any POST: training on the shipped history sends no field at all
        form = (
            HistoryForm(request.POST, request.FILES) if request.method == "POST" else HistoryForm()
        )
    if request.method == "POST":
        if not may_train:
            _refuse(request, Op.OUTCOME_MODEL_TRAIN)
        if form.is_valid():
            try:
                row = outcome_models.outcome_training_request(
                    actor=request.actor, upload=form.cleaned_data["history"]
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Training was started."))
                if row.status == row.Status.DONE:
                    return redirect("placement:outcome_model", version=row.version)
                return redirect("placement:outcome_models")
    return render(
        request,
        "placement/outcome_models.html",
        {
            "models": outcome_models.model_list(actor=request.actor),
            "current": outcome_models.current_model(),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@requires(Op.OUTCOME_MODEL_VIEW)
def outcome_model_card(request: HttpRequest, version: int) -> HttpResponse:
    """A model's card: data, features, quality and calibration, and what it is not for."""
    model = outcome_models.model_card(actor=request.actor, version=version)
    if model is None:
        raise Http404
    report = model.report
    return render(
        request,
        "placement/outcome_model.html",
        {
            "model": model,
            "report": report,
            "current": outcome_models.current_model(),
            "calibration_svg": calibration_svg(report.get("calibration", [])),
        },
    )
