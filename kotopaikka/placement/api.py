"""Placement API (`/api/v1/placement/…`): the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kotopaikka.access.policy import can, require
from kotopaikka.access.roles import Op
from kotopaikka.core.api import ActorAPIView
from kotopaikka.core.api_fields import (
    DAYS_MAX,
    PLACES_MAX,
    YEAR_MAX,
    YEAR_MIN,
    YEARS_OF_EXPERIENCE_MAX,
    BoundedDateField,
    ClosedSerializer,
    code_list,
    year_field,
)
from kotopaikka.core.parsers import BodyParseError, CheckedJSONTextParser, CSVTextParser
from kotopaikka.integration.models import IntegrationClient
from kotopaikka.optimiser.model import DIMENSIONS
from kotopaikka.people.models import Person
from kotopaikka.registry.models import Region

from . import importing, selectors, services
from .models import MoveNotice, Need, PlacementCase, Proposal
from .params import EMERGENCY_VALUES, queue_filters

SEX_CHOICES = [("", ""), *Person.Sex.choices]
#: a municipality code: three digits (a shorter one is padded with zeros, as the pages do)
MUNICIPALITY_CODE = r"^[0-9]{1,3}$"
#: `GET /placement/cases/?status=all`: cases in every status
ALL_STATUSES = "all"


def _optional_years() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        max_value=YEARS_OF_EXPERIENCE_MAX,
        required=False,
        allow_null=True,
        default=None,
    )


class MemberSerializer(serializers.Serializer):
    age = serializers.IntegerField(min_value=0, max_value=120)
    sex = serializers.ChoiceField(choices=SEX_CHOICES, required=False, default="")
    education_years = _optional_years()
    work_experience_years = _optional_years()
    languages = code_list(20, min_length=2, max_length=3, help_text="ISO 639-3 code")
    literate = serializers.BooleanField(required=False, allow_null=True, default=None)
    unaccompanied_minor = serializers.BooleanField(required=False, default=False)


class CaseInputSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40)
    kind = serializers.ChoiceField(
        choices=PlacementCase.Kind.choices, default=PlacementCase.Kind.QUOTA
    )
    members = MemberSerializer(many=True, min_length=1, max_length=30)
    emergency = serializers.BooleanField(default=False)
    nationality = serializers.RegexField(
        r"^([A-Za-z]{3})?$",
        max_length=3,
        required=False,
        allow_blank=True,
        default="",
        help_text="ISO 3166 alpha-3 code",
    )
    needs = code_list(len(Need.choices), choices=Need.choices)
    ties = code_list(20, min_length=1, max_length=3, help_text="municipality codes")
    wishes = code_list(20, min_length=1, max_length=3, help_text="municipality codes")
    available_from = BoundedDateField(required=False, allow_null=True, default=None)
    linked_group = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )

    def to_data(self) -> services.CaseData:
        d = dict(self.validated_data)
        d["members"] = [services.MemberData(**m) for m in d["members"]]
        return services.CaseData(**d)


class CaseMemberOutput(serializers.Serializer):
    age = serializers.IntegerField()
    sex = serializers.ChoiceField(choices=SEX_CHOICES)
    education_years = serializers.IntegerField(allow_null=True)
    work_experience_years = serializers.IntegerField(allow_null=True)
    languages = serializers.ListField(child=serializers.CharField())
    literate = serializers.BooleanField(allow_null=True)
    unaccompanied_minor = serializers.BooleanField()


class DimensionsOutput(serializers.Serializer):
    """Places or demand in each dimension; null: no agreed limit in that dimension."""

    def get_fields(self):
        return {name: serializers.IntegerField(allow_null=True) for name in DIMENSIONS}


class ProposalOutput(serializers.Serializer):
    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    municipality = serializers.CharField(source="municipality.code")
    status = serializers.ChoiceField(choices=Proposal.Status.choices)
    deadline = serializers.DateField()
    decline_reason = serializers.ChoiceField(choices=[("", ""), *Proposal.DeclineReason.choices])
    placement_decided_on = serializers.DateField(allow_null=True)
    demand = serializers.DictField(child=serializers.IntegerField())


class CaseOutput(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=PlacementCase.Kind.choices)
    status = serializers.ChoiceField(choices=PlacementCase.Status.choices)
    emergency = serializers.BooleanField()
    nationality = serializers.CharField()
    needs = serializers.ListField(child=serializers.ChoiceField(choices=Need.choices))
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


class WaitingFiguresOutput(serializers.Serializer):
    count = serializers.IntegerField()
    emergency = serializers.IntegerField()
    persons = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    max_days = serializers.IntegerField(allow_null=True)


class CaseQueueOutput(serializers.Serializer):
    """`GET /placement/cases/`: waiting-time figures of the cases that match, and the cases."""

    figures = WaitingFiguresOutput()
    results = CaseOutput(many=True)


def _region_choices() -> list[str]:
    return list(Region.objects.order_by("code").values_list("code", flat=True))


class CaseQueueParamsSerializer(serializers.Serializer):
    """The queue's query parameters as the schema publishes them. They are read by the same
    parser as the page's (`params.queue_filters`, same bounds, same messages); the API adds
    that a parameter sent must have a value (an empty `need=` is not in its list) and that
    every status is `status=all` (the page's empty choice)."""

    status = serializers.ChoiceField(
        choices=[*PlacementCase.Status.choices, (ALL_STATUSES, ALL_STATUSES)],
        required=False,
        help_text="Default: waiting; all: every status",
    )
    nationality = serializers.CharField(
        min_length=3, max_length=3, required=False, help_text="ISO 3166 alpha-3 code"
    )
    need = serializers.ChoiceField(choices=Need.choices, required=False)
    emergency = serializers.ChoiceField(choices=sorted(EMERGENCY_VALUES), required=False)
    min_days = serializers.IntegerField(
        min_value=0, max_value=DAYS_MAX, required=False, help_text="Waiting at least this long"
    )

    def get_fields(self):
        # Region codes are reference data: read when the schema is made, not at import.
        return {
            **super().get_fields(),
            "region": serializers.ChoiceField(
                choices=_region_choices(), required=False, help_text="Region of ties or wishes"
            ),
        }


def _queue_query(query: dict[str, str]) -> dict[str, str]:
    """The API's query for the shared queue parser: no empty values, `all` for every status."""
    names = CaseQueueParamsSerializer().fields
    blank = sorted(name for name in names if name in query and not query[name].strip())
    if blank:
        raise serializers.ValidationError(
            {name: [_("Give a value, or leave the parameter out.")] for name in blank}
        )
    if query.get("status") == ALL_STATUSES:
        query["status"] = ""
    return query


class CaseListApi(ActorAPIView):
    @extend_schema(
        operation_id="placement_cases_list",
        parameters=[CaseQueueParamsSerializer],
        responses=CaseQueueOutput,
    )
    def get(self, request):
        filters = queue_filters(_queue_query(request.query_params.dict()))
        cases, figures = selectors.case_queue(actor=self.actor, filters=filters)
        return Response(CaseQueueOutput({"figures": figures, "results": cases}).data)

    @extend_schema(request=CaseInputSerializer, responses={201: CaseOutput})
    def post(self, request):
        serializer = CaseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_create(actor=self.actor, data=serializer.to_data())
        return Response(CaseOutput(case).data, status=status.HTTP_201_CREATED)


class ImportErrorOutput(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.IntegerField(), help_text="CSV line numbers or JSON item numbers"
    )
    reference = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField(help_text="in the request's language")


class ImportReportOutput(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField(), help_text="references")
    errors = ImportErrorOutput(many=True)


class CaseImportApi(ActorAPIView):
    """POST the file's text: `Content-Type: text/csv` or `application/json` (UTF-8, at most
    5 MB). A body that is not UTF-8 or not JSON is a 400 naming `body`; each bad case is
    reported in `errors` and every good case is kept."""

    parser_classes = [CSVTextParser, CheckedJSONTextParser]

    @extend_schema(
        request={
            "text/csv": {"type": "string"},
            "application/json": {"type": "array", "items": {"type": "object"}},
        },
        responses=ImportReportOutput,
    )
    def post(self, request):
        if not isinstance(request.data, str) or not request.data.strip():
            raise BodyParseError(_("The request body is empty: send the file's text."))
        csv = request.content_type.startswith("text/csv")
        importer = importing.import_csv if csv else importing.import_json
        report = importer(actor=self.actor, text=request.data)
        return Response(ImportReportOutput(report).data)


class CaseDetailApi(ActorAPIView):
    @extend_schema(responses=CaseDetailOutput)
    def get(self, request, case_id):
        return Response(
            CaseDetailOutput(selectors.case_get(actor=self.actor, case_id=case_id)).data
        )


class ProposeSerializer(serializers.Serializer):
    municipality = serializers.RegexField(MUNICIPALITY_CODE, max_length=3)
    deadline = BoundedDateField(required=False, allow_null=True, default=None)


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


class InboxParamsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Proposal.Status.choices, default=Proposal.Status.PENDING
    )


class ProposalInboxApi(ActorAPIView):
    @extend_schema(parameters=[InboxParamsSerializer], responses=ProposalOutput(many=True))
    def get(self, request):
        params = self.query(InboxParamsSerializer)
        proposals = selectors.proposal_inbox(actor=self.actor, status=params["status"])
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
    date = BoundedDateField(default=dt.date.today)


class PlacementDecisionApi(ActorAPIView):
    @extend_schema(request=DateSerializer, responses=ProposalOutput)
    def post(self, request, proposal_id):
        s = DateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        proposal = services.placement_decide(
            actor=self.actor, proposal_id=proposal_id, decided_on=s.validated_data["date"]
        )
        return Response(ProposalOutput(proposal).data)


class ArrivalOutput(serializers.Serializer):
    case = serializers.UUIDField(source="case_id")
    municipality = serializers.CharField(source="municipality.code")
    arrived_on = serializers.DateField()


class ArrivalSerializer(DateSerializer):
    first_residence_date = BoundedDateField(required=False, allow_null=True, default=None)
    residence_permit_on = BoundedDateField(required=False, allow_null=True, default=None)
    group = serializers.ChoiceField(
        choices=IntegrationClient.Group.choices, required=False, default=""
    )


class ArrivalApi(ActorAPIView):
    @extend_schema(request=ArrivalSerializer, responses={201: ArrivalOutput})
    def post(self, request, proposal_id):
        s = ArrivalSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        arrival = services.arrival_record(
            actor=self.actor,
            proposal_id=proposal_id,
            arrived_on=d["date"],
            first_residence_date=d["first_residence_date"],
            residence_permit_on=d["residence_permit_on"],
            group=d["group"],
        )
        return Response(ArrivalOutput(arrival).data, status=status.HTTP_201_CREATED)


class SelfMoveSerializer(serializers.Serializer):
    identity_code = serializers.CharField(max_length=11)
    date_of_birth = BoundedDateField()
    moved_on = BoundedDateField()


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


class UsageParamsSerializer(serializers.Serializer):
    year = year_field(required=False, help_text="Default: the current year")
    search = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Only municipalities whose name (fi, sv or en) or code contains this",
    )
    sort = serializers.ChoiceField(
        choices=[*selectors.USAGE_SORTS, *(f"-{c}" for c in selectors.USAGE_SORTS)],
        required=False,
        help_text="A column, `-` first for descending; names in the request's language. "
        "Default: by municipality code",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=500, help_text="At most this many rows"
    )
    offset = serializers.IntegerField(required=False, min_value=0, help_text="Rows to skip")

    def get_fields(self):
        return {
            **super().get_fields(),
            "region": serializers.ChoiceField(choices=_region_choices(), required=False),
        }


class UsageRowOutput(serializers.Serializer):
    municipality = serializers.CharField(source="municipality.code")
    region = serializers.CharField(source="municipality.region.code")
    agreed = DimensionsOutput(source="usage.agreed")
    proposed = DimensionsOutput(source="usage.proposed")
    accepted = DimensionsOutput(source="usage.accepted")
    arrived = DimensionsOutput(source="usage.arrived")
    free = DimensionsOutput(source="usage.free")


class UsageApi(ActorAPIView):
    """Usage per municipality with an agreement; `X-Total-Count` gives the number of rows
    before `limit` and `offset`."""

    @extend_schema(parameters=[UsageParamsSerializer], responses=UsageRowOutput(many=True))
    def get(self, request):
        params = self.query(UsageParamsSerializer)
        rows = selectors.usage_table(
            actor=self.actor,
            year=params.get("year", timezone.localdate().year),
            region=params.get("region", ""),
            search=params.get("search", ""),
        )
        if "sort" in params:
            rows = selectors.sort_usage(rows, params["sort"])
        offset = params.get("offset", 0)
        page = rows[offset : offset + params["limit"]] if "limit" in params else rows[offset:]
        response = Response(UsageRowOutput(page, many=True).data)
        response["X-Total-Count"] = str(len(rows))
        return response


class YearPlacesSerializer(ClosedSerializer):
    """Places of one year in each dimension (null or missing: no limit in that dimension)."""

    unknown_message = _("Unknown dimensions: %(names)s.")

    def get_fields(self):
        return {
            name: serializers.IntegerField(
                min_value=0, max_value=PLACES_MAX, required=False, allow_null=True
            )
            for name in DIMENSIONS
        }


class YearsField(serializers.DictField):
    """`{"2026": {...}}`: keys are years from `YEAR_MIN` to `YEAR_MAX`, at most 20 of them."""

    child = YearPlacesSerializer()

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            f'Places by year ({YEAR_MIN}–{YEAR_MAX}, at most 20), e.g. {{"2026": {{"persons": 20}}}}',
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if len(value) > 20:
            raise serializers.ValidationError(_("At most 20 years at a time."))
        years = {}
        for key, places in value.items():
            year = int(key) if str(key).isdigit() and len(str(key)) <= 4 else None
            if year is None or not YEAR_MIN <= year <= YEAR_MAX:
                raise serializers.ValidationError(
                    _('Years are given as numbers from %(min)s to %(max)s, e.g. {"2026": …}.')
                    % {"min": YEAR_MIN, "max": YEAR_MAX}
                )
            years[year] = dict(places)
        return years


class AgreementSerializer(serializers.Serializer):
    municipality = serializers.RegexField(MUNICIPALITY_CODE, max_length=3)
    valid_from = BoundedDateField()
    valid_until = BoundedDateField(required=False, allow_null=True, default=None)
    years = YearsField()
    services = code_list(len(Need.choices), choices=Need.choices)
    accepts_emergency_cases = serializers.BooleanField(default=False)
    wellbeing_county_consulted_on = BoundedDateField(required=False, allow_null=True, default=None)


class AgreementSavedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()


class AgreementApi(ActorAPIView):
    @extend_schema(request=AgreementSerializer, responses=AgreementSavedOutput)
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
        return Response(
            AgreementSavedOutput({"id": agreement.pk, "version": agreement.version}).data
        )
