"""Optimiser runs in the API (`/api/v1/placement/runs/…`): start a run (or a re-run with
pairs locked or excluded), follow its status and progress, read its result with the
explanations in the caller's language, and send its proposals. The same services and
selectors as the run page, so the same scope (a regional authority's own runs) and audit
(a finished run's result is an audited read; polling a running one names no one)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from kotopaikka.access.policy import require
from kotopaikka.access.roles import Op
from kotopaikka.core.api import ActorAPIView
from kotopaikka.core.api_fields import BoundedDateField

from . import runs, selectors
from .explanations import run_summary
from .models import OptimiserRun

TIME_LIMIT_MIN, TIME_LIMIT_MAX = 1, 600


class RunStartSerializer(serializers.Serializer):
    time_limit = serializers.IntegerField(
        min_value=TIME_LIMIT_MIN,
        max_value=TIME_LIMIT_MAX,
        default=10,
        help_text=_("Seconds the optimiser may use (1–600)."),
    )
    case_ids = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=10_000,
        help_text=_("Only these waiting cases (default: every waiting case in your scope)."),
    )
    previous = serializers.UUIDField(
        required=False,
        help_text=_(
            "A re-run of this earlier run's cases that still wait, keeping its locks and "
            "exclusions; then `lock` and `exclude` name its proposals by case."
        ),
    )
    lock = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=10_000,
        help_text=_("Cases whose proposed municipality in the earlier run is kept."),
    )
    exclude = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=10_000,
        help_text=_("Cases whose proposed municipality in the earlier run is ruled out."),
    )

    def validate(self, data):
        if "previous" not in data and (data["lock"] or data["exclude"]):
            raise serializers.ValidationError(
                {"previous": [_("Locks and exclusions name the proposals of an earlier run.")]}
            )
        if "previous" in data and "case_ids" in data:
            raise serializers.ValidationError(
                {"case_ids": [_("A re-run takes the earlier run's cases.")]}
            )
        return data


class PolicyOutput(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    emergency_first = serializers.BooleanField()
    waiting_weight = serializers.FloatField(min_value=0, max_value=10)
    waiting_cap_years = serializers.FloatField(min_value=0, max_value=10)
    outcome_weight = serializers.FloatField(min_value=0, max_value=10)
    tie_weight = serializers.FloatField(min_value=0, max_value=10)
    wish_weight = serializers.FloatField(min_value=0, max_value=10)
    fairness_weight = serializers.FloatField(min_value=0, max_value=10)


class ModelRefOutput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    sha256 = serializers.CharField(min_length=64, max_length=64)


class ComponentOutput(serializers.Serializer):
    code = serializers.ChoiceField(choices=["outcome", "tie", "wish"])
    name = serializers.CharField(help_text=_("The component's name in your language."))
    value = serializers.FloatField()


class AlternativeOutput(serializers.Serializer):
    municipality = serializers.CharField(help_text=_("Municipality code."))
    name = serializers.CharField(help_text=_("The municipality's name in your language."))
    score = serializers.FloatField(source="coefficient", allow_null=True)
    difference = serializers.FloatField(source="delta", allow_null=True)
    reason = serializers.CharField(help_text=_("The reason's code (docs/placement-policy.md)."))
    details = serializers.DictField(help_text=_("The reason's parameters."))
    text = serializers.CharField(help_text=_("Why it was not chosen, in your language."))


class LinkedGroupOutput(serializers.Serializer):
    id = serializers.CharField()
    cases = serializers.IntegerField(min_value=2)
    persons = serializers.IntegerField(min_value=2)


class AssignmentOutput(serializers.Serializer):
    case = serializers.UUIDField()
    reference = serializers.CharField()
    municipality = serializers.CharField()
    municipality_name = serializers.CharField()
    locked = serializers.BooleanField()
    components = serializers.SerializerMethodField()
    group = LinkedGroupOutput(allow_null=True)
    alternatives = AlternativeOutput(many=True)

    @extend_schema_field(ComponentOutput(many=True))
    def get_components(self, row) -> list[dict]:
        return [{"code": c, "name": n, "value": v} for c, n, v in row["components"]]


class UnplacedOutput(serializers.Serializer):
    case = serializers.UUIDField()
    reference = serializers.CharField()
    reason = serializers.CharField()
    details = serializers.DictField()
    text = serializers.CharField(help_text=_("Why, and what change would place it."))


class RunOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=OptimiserRun.Status.choices)
    status_name = serializers.CharField(source="get_status_display")
    stage = serializers.CharField()
    progress = serializers.FloatField(min_value=0, max_value=1)
    year = serializers.IntegerField()
    cases = serializers.IntegerField(source="case_count")
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()
    finished_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    method = serializers.CharField()
    method_text = serializers.CharField(help_text=_('E.g. "exact, proven optimal".'))
    objective = serializers.FloatField(allow_null=True)
    bound = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(
        allow_null=True,
        min_value=0,
        help_text=_(
            "Proven relative gap (bound − objective) / bound: how far, at most, the total "
            "score is from the best possible; 0 = proven optimal."
        ),
    )
    gap_percent = serializers.CharField()
    policy = PolicyOutput()
    outcome_model = ModelRefOutput(allow_null=True)
    error = serializers.CharField()


class RunResultOutput(RunOutput):
    assignments = AssignmentOutput(many=True)
    unplaced = UnplacedOutput(many=True)


def _run_data(run: OptimiserRun) -> dict:
    summary = run_summary(run)
    return {
        "id": run.pk,
        "status": run.status,
        "get_status_display": run.get_status_display(),
        "stage": run.stage,
        "progress": run.progress,
        "year": run.year,
        "case_count": len(run.case_ids),
        "created_at": run.created_at,
        "created_by": run.created_by,
        "finished_at": run.finished_at,
        "sent_at": run.sent_at,
        "method": run.method,
        "method_text": summary["method_text"],
        "objective": run.objective,
        "bound": run.bound,
        "gap": run.gap,
        "gap_percent": summary["gap_percent"],
        "policy": summary["policy"].as_dict(),
        "outcome_model": summary["model"],
        "error": run.error,
    }


class RunListApi(ActorAPIView):
    @extend_schema(responses=RunOutput(many=True))
    def get(self, request):
        """The authority's runs, newest first (no personal data: counts and figures)."""
        return Response(
            RunOutput(
                [_run_data(r) for r in selectors.optimiser_run_list(actor=self.actor)], many=True
            ).data
        )

    @extend_schema(request=RunStartSerializer, responses={201: RunOutput})
    def post(self, request):
        """Queue a run (or a re-run); follow it at `/placement/runs/{id}/`."""
        require(self.actor, Op.OPTIMISER_RUN)
        s = RunStartSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        if "previous" in data:
            run = runs.optimiser_rerun(
                actor=self.actor,
                previous_id=data["previous"],
                lock=[str(c) for c in data["lock"]],
                exclude=[str(c) for c in data["exclude"]],
                time_limit=data["time_limit"],
            )
        else:
            ids = data.get("case_ids")
            run = runs.optimiser_run_start(
                actor=self.actor,
                year=timezone.localdate().year,
                case_ids=None if ids is None else [str(c) for c in ids],
                time_limit=data["time_limit"],
            )
        run.refresh_from_db()
        return Response(RunOutput(_run_data(run)).data, status=status.HTTP_201_CREATED)


class RunDetailApi(ActorAPIView):
    @extend_schema(responses=RunResultOutput)
    def get(self, request, run_id):
        """The run's status and progress; once finished, its proposals and unplaced cases
        with their explanations (an audited read)."""
        run, rows = selectors.optimiser_run_page(actor=self.actor, run_id=run_id)
        return Response(
            RunResultOutput(
                {
                    **_run_data(run),
                    "assignments": [r for r in rows if not r.get("unplaced")],
                    "unplaced": [r for r in rows if r.get("unplaced")],
                }
            ).data
        )


class RunSendSerializer(serializers.Serializer):
    deadline = BoundedDateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The municipalities' decision date (default: the usual period)."),
    )


class NotSentOutput(serializers.Serializer):
    case = serializers.UUIDField()
    reference = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class RunSentOutput(serializers.Serializer):
    sent = serializers.ListField(child=serializers.UUIDField())
    not_sent = NotSentOutput(many=True)


class RunSendApi(ActorAPIView):
    @extend_schema(request=RunSendSerializer, responses=RunSentOutput)
    def post(self, request, run_id):
        """Send the run's proposals to the municipalities (once; cases no longer waiting are
        skipped and listed with the reason)."""
        require(self.actor, Op.PROPOSAL_CREATE)  # the role, then the run's scope, then the body
        selectors.run_in_scope(actor=self.actor, run_id=run_id)
        s = RunSendSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        sent, not_sent = runs.optimiser_run_send(
            actor=self.actor, run_id=run_id, deadline=s.validated_data["deadline"]
        )
        references = selectors.case_references(actor=self.actor, case_ids=list(not_sent))
        return Response(
            RunSentOutput(
                {
                    "sent": sent,
                    "not_sent": [
                        {"case": c, "reference": references.get(c), "reason": r}
                        for c, r in not_sent.items()
                    ],
                }
            ).data
        )
