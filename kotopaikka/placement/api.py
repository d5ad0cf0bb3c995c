"""Placement API (`/api/v1/placement/…`): the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from kotopaikka.access.policy import can, require
from kotopaikka.access.roles import Op
from kotopaikka.core.api import ActorAPIView
from kotopaikka.optimiser.model import DIMENSIONS

from . import importing, selectors, services
from .models import MoveNotice, Need, PlacementCase, Proposal
from .params import EMERGENCY_VALUES, queue_filters, year_param


class MemberSerializer(serializers.Serializer):
    age = serializers.IntegerField(min_value=0, max_value=120)
    sex = serializers.CharField(required=False, allow_blank=True, default="")
    education_years = serializers.IntegerField(required=False, allow_null=True, default=None)
    work_experience_years = serializers.IntegerField(required=False, allow_null=True, default=None)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, default=list
    )
    literate = serializers.BooleanField(required=False, allow_null=True, default=None)
    unaccompanied_minor = serializers.BooleanField(required=False, default=False)


class CaseInputSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40)
    kind = serializers.ChoiceField(
        choices=PlacementCase.Kind.choices, default=PlacementCase.Kind.QUOTA
    )
    members = MemberSerializer(many=True)
    emergency = serializers.BooleanField(default=False)
    nationality = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=Need.choices), required=False, default=list
    )
    ties = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, default=list
    )
    wishes = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, default=list
    )
    available_from = serializers.DateField(required=False, allow_null=True, default=None)
    linked_group = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )

    def to_data(self) -> services.CaseData:
        d = dict(self.validated_data)
        d["members"] = [services.MemberData(**m) for m in d["members"]]
        return services.CaseData(**d)


class CaseMemberOutput(serializers.Serializer):
    age = serializers.IntegerField()
    sex = serializers.CharField()
    education_years = serializers.IntegerField(allow_null=True)
    work_experience_years = serializers.IntegerField(allow_null=True)
    languages = serializers.ListField(child=serializers.CharField())
    literate = serializers.BooleanField(allow_null=True)
    unaccompanied_minor = serializers.BooleanField()


class ProposalOutput(serializers.Serializer):
    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    municipality = serializers.CharField(source="municipality.code")
    status = serializers.CharField()
    deadline = serializers.DateField()
    decline_reason = serializers.CharField()
    placement_decided_on = serializers.DateField(allow_null=True)
    demand = serializers.DictField(child=serializers.IntegerField())


class CaseOutput(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    emergency = serializers.BooleanField()
    nationality = serializers.CharField()
    needs = serializers.ListField(child=serializers.CharField())
    ties = serializers.ListField(child=serializers.CharField())
    wishes = serializers.ListField(child=serializers.CharField())
    received_on = serializers.DateField()
    members = CaseMemberOutput(many=True, source="members.all")
    is_synthetic = serializers.BooleanField()


class CaseDetailOutput(CaseOutput):
    proposals = ProposalOutput(many=True, source="proposals.all")
    identities = serializers.SerializerMethodField()

    def get_identities(self, case) -> list[str]:
        return [str(p.pk) for p in getattr(case, "visible_persons", [])]


class CaseListApi(ActorAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="Default waiting; empty: all"),
            OpenApiParameter("region", str, description="Region code of ties or wishes"),
            OpenApiParameter("nationality", str, description="ISO 3166 alpha-3 code"),
            OpenApiParameter("need", str, enum=Need.values),
            OpenApiParameter("emergency", str, enum=sorted(EMERGENCY_VALUES)),
            OpenApiParameter("min_days", int, description="Waiting at least this many days"),
        ],
        responses=CaseOutput(many=True),
    )
    def get(self, request):
        filters = queue_filters(request.query_params)  # an invalid value: 400 by parameter
        cases, figures = selectors.case_queue(actor=self.actor, filters=filters)
        return Response({"figures": figures.__dict__, "results": CaseOutput(cases, many=True).data})

    @extend_schema(request=CaseInputSerializer, responses={201: CaseOutput})
    def post(self, request):
        serializer = CaseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_create(actor=self.actor, data=serializer.to_data())
        return Response(CaseOutput(case).data, status=status.HTTP_201_CREATED)


class CaseImportApi(ActorAPIView):
    """POST the file's text: `Content-Type: text/csv` or `application/json`."""

    parser_classes = [JSONParser]

    @extend_schema(
        request={
            "text/csv": {"type": "string"},
            "application/json": {"type": "array", "items": {"type": "object"}},
        },
        responses={200: dict},
    )
    def post(self, request):
        if request.content_type.startswith("text/csv"):
            report = importing.import_csv(actor=self.actor, text=request.body.decode("utf-8-sig"))
        else:
            report = importing.import_json(actor=self.actor, text=request.body.decode("utf-8-sig"))
        return Response(
            {
                "created": report.created,
                "errors": [
                    {
                        "rows": list(e.rows),
                        "reference": e.reference,
                        "field": e.field,
                        "message": e.message,
                    }
                    for e in report.errors
                ],
            }
        )


class CaseDetailApi(ActorAPIView):
    @extend_schema(responses=CaseDetailOutput)
    def get(self, request, case_id):
        return Response(
            CaseDetailOutput(selectors.case_get(actor=self.actor, case_id=case_id)).data
        )


class ProposeSerializer(serializers.Serializer):
    municipality = serializers.CharField(max_length=3)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class CaseProposalApi(ActorAPIView):
    @extend_schema(request=ProposeSerializer, responses={201: ProposalOutput})
    def post(self, request, case_id):
        s = ProposeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        proposal = services.proposal_create(
            actor=self.actor,
            case_id=case_id,
            municipality_code=s.validated_data["municipality"].zfill(3),
            deadline=s.validated_data["deadline"],
        )
        return Response(ProposalOutput(proposal).data, status=status.HTTP_201_CREATED)


class ProposalInboxApi(ActorAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str)], responses=ProposalOutput(many=True)
    )
    def get(self, request):
        proposals = selectors.proposal_inbox(
            actor=self.actor, status=request.query_params.get("status", "pending")
        )
        return Response(ProposalOutput(proposals, many=True).data)


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=Proposal.DeclineReason.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ProposalDecisionApi(ActorAPIView):
    @extend_schema(request=DecisionSerializer, responses=ProposalOutput)
    def post(self, request, proposal_id):
        s = DecisionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        proposal = services.proposal_decide(
            actor=self.actor, proposal_id=proposal_id, **s.validated_data
        )
        return Response(ProposalOutput(proposal).data)


class ProposalWithdrawApi(ActorAPIView):
    @extend_schema(request=None, responses=ProposalOutput)
    def post(self, request, proposal_id):
        return Response(
            ProposalOutput(
                services.proposal_withdraw(actor=self.actor, proposal_id=proposal_id)
            ).data
        )


class DateSerializer(serializers.Serializer):
    date = serializers.DateField(default=dt.date.today)


class PlacementDecisionApi(ActorAPIView):
    @extend_schema(request=DateSerializer, responses=ProposalOutput)
    def post(self, request, proposal_id):
        s = DateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        proposal = services.placement_decide(
            actor=self.actor, proposal_id=proposal_id, decided_on=s.validated_data["date"]
        )
        return Response(ProposalOutput(proposal).data)


class ArrivalApi(ActorAPIView):
    @extend_schema(request=DateSerializer, responses={201: dict})
    def post(self, request, proposal_id):
        s = DateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        arrival = services.arrival_record(
            actor=self.actor, proposal_id=proposal_id, arrived_on=s.validated_data["date"]
        )
        return Response(
            {
                "case": str(arrival.case_id),
                "municipality": arrival.municipality.code,
                "arrived_on": arrival.arrived_on,
            },
            status=status.HTTP_201_CREATED,
        )


class SelfMoveSerializer(serializers.Serializer):
    identity_code = serializers.CharField(max_length=11)
    date_of_birth = serializers.DateField()
    moved_on = serializers.DateField()


class MoveNoticeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    municipality = serializers.CharField(source="municipality.code")
    moved_on = serializers.DateField()
    status = serializers.ChoiceField(choices=MoveNotice.Status.choices)
    reported_by = serializers.CharField()
    reported_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution_note = serializers.CharField()


class MoveResolutionSerializer(serializers.Serializer):
    confirm = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SelfMoveApi(ActorAPIView):
    """Self-arranged moves: a municipality reports one (identity code and date of birth must
    both match one person of a waiting case; otherwise the same 400 "no match"); the regional
    authority holding the case lists and resolves the notices."""

    @extend_schema(responses=MoveNoticeSerializer(many=True))
    def get(self, request):
        if not (can(self.actor, Op.SELF_MOVE_RECORD) or can(self.actor, Op.SELF_MOVE_RESOLVE)):
            require(self.actor, Op.SELF_MOVE_RECORD)
        notices = selectors.move_notice_list(actor=self.actor)
        return Response(MoveNoticeSerializer(notices, many=True).data)

    @extend_schema(request=SelfMoveSerializer, responses={201: MoveNoticeSerializer})
    def post(self, request):
        s = SelfMoveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        notice = services.self_move_report(actor=self.actor, **s.validated_data)
        return Response(MoveNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class MoveResolutionApi(ActorAPIView):
    @extend_schema(request=MoveResolutionSerializer, responses={200: MoveNoticeSerializer})
    def post(self, request, notice_id):
        s = MoveResolutionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        notice = services.move_notice_resolve(
            actor=self.actor, notice_id=notice_id, **s.validated_data
        )
        return Response(MoveNoticeSerializer(notice).data)


class UsageApi(ActorAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("region", str)],
        responses={200: dict},
    )
    def get(self, request):
        year = year_param(request.query_params.get("year"))
        rows = selectors.usage_table(
            actor=self.actor, year=year, region=request.query_params.get("region", "")
        )
        return Response(
            [
                {
                    "municipality": row.municipality.code,
                    "region": row.municipality.region.code,
                    **{
                        bucket: getattr(row.usage, bucket)
                        for bucket in ("agreed", "proposed", "accepted", "arrived")
                    },
                    "free": row.usage.free,
                }
                for row in rows
            ]
        )


class AgreementSerializer(serializers.Serializer):
    municipality = serializers.CharField(max_length=3)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    years = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField(allow_null=True))
    )
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=Need.choices), required=False, default=list
    )
    accepts_emergency_cases = serializers.BooleanField(default=False)
    wellbeing_county_consulted_on = serializers.DateField(
        required=False, allow_null=True, default=None
    )

    def validate_years(self, value):
        try:
            years = {int(year): places for year, places in value.items()}
        except ValueError:
            raise serializers.ValidationError(
                'Years are given as numbers, e.g. {"2026": {"persons": 20}}.'
            ) from None
        for places in years.values():
            unknown = set(places) - set(DIMENSIONS)
            if unknown:
                raise serializers.ValidationError(
                    f"Unknown dimensions: {', '.join(sorted(unknown))}."
                )
        return years


class AgreementApi(ActorAPIView):
    @extend_schema(request=AgreementSerializer, responses={200: dict})
    def put(self, request):
        s = AgreementSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        agreement = services.agreement_save(
            actor=self.actor,
            municipality_code=d["municipality"].zfill(3),
            valid_from=d["valid_from"],
            valid_until=d["valid_until"],
            years=d["years"],
            services=d["services"],
            accepts_emergency_cases=d["accepts_emergency_cases"],
            wellbeing_county_consulted_on=d["wellbeing_county_consulted_on"],
        )
        return Response({"id": agreement.pk, "version": agreement.version})
