from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from kotopaikka.core.api import ActorAPIView

from .selectors import national_summary


class RegionCountSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    persons = serializers.SerializerMethodField(help_text="null when suppressed (1–4)")

    def get_persons(self, row) -> int | None:
        return None if row.suppressed else row.persons


class SummarySerializer(serializers.Serializer):
    total_persons = serializers.IntegerField()
    with_municipality = serializers.IntegerField()
    waiting = serializers.IntegerField()
    by_region = RegionCountSerializer(many=True)


class StatisticsApi(ActorAPIView):
    @extend_schema(responses=SummarySerializer)
    def get(self, request):
        return Response(SummarySerializer(national_summary(actor=self.actor)).data)
