"""Integration-services API (`/api/v1/integration/`): the same selectors and services as the
pages, so the same scope, checks and audit. Every field is bounded or a code of its list,
and published so in the OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kotopaikka.access.policy import require
from kotopaikka.core.api import ActorAPIView
from kotopaikka.core.api_fields import BoundedDateField
from kotopaikka.core.operations import Op

from . import assessments, guidance, orientation, plans, selectors, services, transfers
from .models import (
    Assessment,
    Cefr,
    ContactChannel,
    ContactTopic,
    IntegrationClient,
    IntegrationPlan,
    OrientationTopic,
    ServiceKind,
)
from .workqueue import ItemKind, ItemState

HOURS = {"max_digits": 6, "decimal_places": 1, "min_value": 0}


class ScopedApi(ActorAPIView):
    """An endpoint on one object named in the path: the role's operation (403) and the
    object's scope (an audited 404) are checked before the body is read, so that an
    outsider's refusal never depends on what they sent."""

    #: the operation each method needs
    operations: dict[str, Op] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        operation = self.operations.get(request.method.lower())
        if operation is not None:
            require(self.actor, operation)
        self.check_scope(**kwargs)

    def check_scope(self, **kwargs) -> None:
        if "client_id" in kwargs:
            selectors.client_in_scope(actor=self.actor, client_id=kwargs["client_id"])
        if "group_id" in kwargs:
            selectors.group_in_scope(actor=self.actor, group_id=kwargs["group_id"])
        if "transfer_id" in kwargs:
            transfers.transfer_decide_check(actor=self.actor, transfer_id=kwargs["transfer_id"])


class ClientOutput(serializers.Serializer):
    id = serializers.UUIDField()
    person = serializers.UUIDField(source="person_id")
    name = serializers.CharField(source="person.__str__")
    municipality = serializers.CharField(source="municipality.code")
    status = serializers.ChoiceField(choices=IntegrationClient.Status.choices)
    group = serializers.ChoiceField(choices=IntegrationClient.Group.choices)
    client_since = serializers.DateField()
    arrived_on = serializers.DateField(allow_null=True)
    first_residence_date = serializers.DateField(allow_null=True)
    residence_permit_on = serializers.DateField(allow_null=True)
    responsible_worker = serializers.CharField(
        source="responsible_worker.username", allow_null=True, default=None
    )


class DueItemOutput(serializers.Serializer):
    client = serializers.UUIDField(source="client.pk")
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    state = serializers.ChoiceField(choices=ItemState.choices)
    due_on = serializers.DateField(allow_null=True)
    rule = serializers.CharField(source="rule_key")


class ProgressOutput(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=7, decimal_places=1)
    minimum = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    missing_topics = serializers.ListField(
        child=serializers.ChoiceField(choices=OrientationTopic.choices)
    )
    complete = serializers.BooleanField()


class ClientDetailOutput(ClientOutput):
    phone = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()
    interpreter_needed = serializers.BooleanField()
    interpreter_language = serializers.CharField()
    trafficking_victim = serializers.BooleanField()
    due = DueItemOutput(source="due_items", many=True)
    civic_orientation = ProgressOutput(source="orientation")
    plan_versions = serializers.SerializerMethodField()

    def get_plan_versions(self, client) -> list[int]:
        return [p.version for p in client.plans.all()]


class ClientParamsSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, default="", max_length=100, allow_blank=True)
    status = serializers.ChoiceField(
        choices=[("", ""), *IntegrationClient.Status.choices], required=False, default=""
    )
    mine = serializers.BooleanField(required=False, default=False)


class ClientListApi(ActorAPIView):
    @extend_schema(parameters=[ClientParamsSerializer], responses=ClientOutput(many=True))
    def get(self, request):
        q = self.query(ClientParamsSerializer)
        filters = selectors.ClientFilters(search=q["q"], status=q["status"], mine=q["mine"])
        clients = selectors.client_list(actor=self.actor, filters=filters)
        return Response(ClientOutput(clients, many=True).data)


class ClientUpdateSerializer(serializers.Serializer):
    """Only the fields sent are changed."""

    status = serializers.ChoiceField(choices=IntegrationClient.Status.choices, required=False)
    group = serializers.ChoiceField(choices=IntegrationClient.Group.choices, required=False)
    responsible_worker = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1
    )
    first_residence_date = BoundedDateField(required=False, allow_null=True)
    residence_permit_on = BoundedDateField(required=False, allow_null=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    interpreter_needed = serializers.BooleanField(required=False)
    interpreter_language = serializers.CharField(required=False, allow_blank=True, max_length=3)
    trafficking_victim = serializers.BooleanField(required=False)

    def to_data(self) -> services.ClientData:
        d = dict(self.validated_data)
        if "responsible_worker" in d:
            d["responsible_worker_id"] = d.pop("responsible_worker")
        return services.ClientData(**d)


class ClientDetailApi(ScopedApi):
    operations = {"get": Op.CLIENT_VIEW, "patch": Op.CLIENT_UPDATE}

    @extend_schema(responses=ClientDetailOutput)
    def get(self, request, client_id):
        client = selectors.client_get(actor=self.actor, client_id=client_id)
        return Response(ClientDetailOutput(client).data)

    @extend_schema(request=ClientUpdateSerializer, responses=ClientDetailOutput)
    def patch(self, request, client_id):
        s = ClientUpdateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.client_update(actor=self.actor, client_id=client_id, data=s.to_data())
        client = selectors.client_get(actor=self.actor, client_id=client_id)
        return Response(ClientDetailOutput(client).data)


class CreatedOutput(serializers.Serializer):
    id = serializers.CharField(source="pk")


def _text(limit: int = 5000, **kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=limit, **kwargs)


class AssessmentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices, default=Assessment.Kind.INITIAL)
    held_on = BoundedDateField()
    held_by = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    language = serializers.CharField(min_length=2, max_length=3)
    interpreter_used = serializers.BooleanField(default=False)
    literacy = serializers.ChoiceField(choices=Assessment.Literacy.choices)
    finnish_level = serializers.ChoiceField(choices=Cefr.choices)
    swedish_level = serializers.ChoiceField(choices=Cefr.choices)
    plan_needed = serializers.BooleanField()
    completed_on = BoundedDateField(required=False, allow_null=True, default=None)
    participants = _text(default="")
    learning_skills = _text(default="")
    working_life_skills = _text(default="")
    employment_needs = _text(default="")
    education_needs = _text(default="")
    earlier_education = _text(default="")
    work_experience = _text(default="")
    strengths = _text(default="")
    life_situation = _text(default="")
    other_service_needs = _text(default="")


class AssessmentApi(ScopedApi):
    operations = {"post": Op.CLIENT_UPDATE}

    @extend_schema(request=AssessmentInput, responses={201: CreatedOutput})
    def post(self, request, client_id):
        s = AssessmentInput(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        d["held_by_id"] = d.pop("held_by")
        made = assessments.assessment_save(
            actor=self.actor, client_id=client_id, data=assessments.AssessmentData(**d)
        )
        return Response(CreatedOutput(made).data, status=status.HTTP_201_CREATED)


class MeasureInput(serializers.Serializer):
    service = serializers.ChoiceField(choices=ServiceKind.choices)
    provider = serializers.CharField(max_length=200)
    description = _text(300, default="")
    hours = serializers.DecimalField(
        required=False, allow_null=True, default=None, max_value=2000, **HOURS
    )
    starts_on = BoundedDateField()
    ends_on = BoundedDateField(required=False, allow_null=True, default=None)
    enrolled_on = BoundedDateField(required=False, allow_null=True, default=None)
    final_test_level = serializers.ChoiceField(
        choices=[("", ""), *Cefr.choices], required=False, default=""
    )


class PlanInput(serializers.Serializer):
    starts_on = BoundedDateField()
    ends_on = BoundedDateField()
    goals = serializers.CharField(max_length=5000)
    responsible_worker = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    measures = MeasureInput(many=True, required=False, default=list, max_length=plans.MAX_MEASURES)
    agreed_on = BoundedDateField(required=False, allow_null=True, default=None)
    agreed_how = serializers.ChoiceField(
        choices=[("", ""), *IntegrationPlan.AgreedHow.choices], required=False, default=""
    )
    agreement_interpreter = serializers.BooleanField(default=False)
    length_reason = _text(default="")
    change_summary = _text(default="")


class PlanOutput(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class PlanApi(ScopedApi):
    operations = {"post": Op.CLIENT_UPDATE}

    @extend_schema(request=PlanInput, responses={201: PlanOutput})
    def post(self, request, client_id):
        s = PlanInput(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        d["responsible_worker_id"] = d.pop("responsible_worker")
        d["measures"] = [plans.MeasureData(**m) for m in d["measures"]]
        plan = plans.plan_save(actor=self.actor, client_id=client_id, data=plans.PlanData(**d))
        return Response(PlanOutput(plan).data, status=status.HTTP_201_CREATED)


class ReviewInput(serializers.Serializer):
    reviewed_on = BoundedDateField()
    note = _text(default="")


class ReviewApi(ScopedApi):
    operations = {"post": Op.CLIENT_UPDATE}

    @extend_schema(request=ReviewInput, responses={201: CreatedOutput})
    def post(self, request, client_id):
        s = ReviewInput(data=request.data)
        s.is_valid(raise_exception=True)
        review = plans.plan_review_record(actor=self.actor, client_id=client_id, **s.validated_data)
        return Response(CreatedOutput(review).data, status=status.HTTP_201_CREATED)


class ContactInput(serializers.Serializer):
    contacted_on = BoundedDateField()
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    topic = serializers.ChoiceField(choices=ContactTopic.choices)
    minutes = serializers.IntegerField(min_value=1, max_value=guidance.MAX_MINUTES)
    interpreter_used = serializers.BooleanField(default=False)
    note = _text(2000, default="")


class ContactApi(ScopedApi):
    operations = {"post": Op.CLIENT_UPDATE}

    @extend_schema(request=ContactInput, responses={201: CreatedOutput})
    def post(self, request, client_id):
        s = ContactInput(data=request.data)
        s.is_valid(raise_exception=True)
        contact = guidance.contact_record(actor=self.actor, client_id=client_id, **s.validated_data)
        return Response(CreatedOutput(contact).data, status=status.HTTP_201_CREATED)


class QueueParams(serializers.Serializer):
    team = serializers.BooleanField(required=False, default=False)


class WorkQueueApi(ActorAPIView):
    @extend_schema(parameters=[QueueParams], responses=DueItemOutput(many=True))
    def get(self, request):
        q = self.query(QueueParams)
        items = selectors.work_queue(actor=self.actor, team=q["team"])
        return Response(DueItemOutput(items, many=True).data)


class GroupInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    language = serializers.CharField(min_length=2, max_length=3)
    starts_on = BoundedDateField()
    ends_on = BoundedDateField(required=False, allow_null=True, default=None)
    capacity = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=200
    )


class GroupOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    language = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)


class GroupListApi(ActorAPIView):
    @extend_schema(responses=GroupOutput(many=True))
    def get(self, request):
        return Response(GroupOutput(selectors.group_list(actor=self.actor), many=True).data)

    @extend_schema(request=GroupInput, responses={201: GroupOutput})
    def post(self, request):
        s = GroupInput(data=request.data)
        s.is_valid(raise_exception=True)
        group = orientation.group_create(actor=self.actor, **s.validated_data)
        return Response(GroupOutput(group).data, status=status.HTTP_201_CREATED)


class ParticipantsInput(serializers.Serializer):
    clients = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=200)


class GroupParticipantsApi(ScopedApi):
    operations = {"post": Op.ORIENTATION_MANAGE}

    @extend_schema(request=ParticipantsInput, responses=GroupOutput)
    def post(self, request, group_id):
        s = ParticipantsInput(data=request.data)
        s.is_valid(raise_exception=True)
        group = orientation.group_enrol(
            actor=self.actor, group_id=group_id, client_ids=s.validated_data["clients"]
        )
        return Response(GroupOutput(group).data)


class AttendanceInput(serializers.Serializer):
    client = serializers.UUIDField()
    hours = serializers.DecimalField(max_value=12, **HOURS)


class SessionInput(serializers.Serializer):
    held_on = BoundedDateField()
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal("0.5"), max_value=12
    )
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=OrientationTopic.choices), min_length=1, max_length=9
    )
    attendance = AttendanceInput(many=True, max_length=200)


class GroupSessionApi(ScopedApi):
    operations = {"post": Op.ORIENTATION_MANAGE}

    @extend_schema(request=SessionInput, responses={201: CreatedOutput})
    def post(self, request, group_id):
        s = SessionInput(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        session = orientation.session_record(
            actor=self.actor,
            group_id=group_id,
            held_on=d["held_on"],
            hours=d["hours"],
            topics=d["topics"],
            attendance={row["client"]: row["hours"] for row in d["attendance"]},
        )
        return Response(CreatedOutput(session).data, status=status.HTTP_201_CREATED)


class TransferInput(serializers.Serializer):
    to_municipality = serializers.RegexField(r"^[0-9]{1,3}$", max_length=3)
    moves_on = BoundedDateField()
    note = _text(2000, default="")


class TransferOutput(serializers.Serializer):
    id = serializers.UUIDField()
    client = serializers.UUIDField(source="client_id")
    from_municipality = serializers.CharField(source="from_municipality.code")
    to_municipality = serializers.CharField(source="to_municipality.code")
    moves_on = serializers.DateField()
    status = serializers.CharField()


class TransferApi(ScopedApi):
    operations = {"post": Op.CLIENT_UPDATE}

    @extend_schema(request=TransferInput, responses={201: TransferOutput})
    def post(self, request, client_id):
        s = TransferInput(data=request.data)
        s.is_valid(raise_exception=True)
        transfer = transfers.transfer_request(
            actor=self.actor, client_id=client_id, **s.validated_data
        )
        return Response(TransferOutput(transfer).data, status=status.HTTP_201_CREATED)


class TransferDecisionInput(serializers.Serializer):
    accept = serializers.BooleanField(help_text=_("true: take the record over"))


class TransferDecisionApi(ScopedApi):
    operations = {"post": Op.CLIENT_UPDATE}

    @extend_schema(request=TransferDecisionInput, responses=TransferOutput)
    def post(self, request, transfer_id):
        s = TransferDecisionInput(data=request.data)
        s.is_valid(raise_exception=True)
        transfer = transfers.transfer_decide(
            actor=self.actor, transfer_id=transfer_id, accept=s.validated_data["accept"]
        )
        return Response(TransferOutput(transfer).data)
