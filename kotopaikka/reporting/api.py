from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from kotopaikka.core.api import ActorAPIView

from .selectors import published_summary

HIDDEN = (
    "null when hidden: a count from 1 to 4, or a count that would let a hidden one be "
    "worked out from the totals"
)


class RegionCountSerializer(serializers.Serializer):
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    persons = serializers.IntegerField(allow_null=True, help_text=HIDDEN)


class SummarySerializer(serializers.Serializer):
    total_persons = serializers.IntegerField(allow_null=True, help_text=HIDDEN)
    with_municipality = serializers.IntegerField(allow_null=True, help_text=HIDDEN)
    waiting = serializers.IntegerField(allow_null=True, help_text=HIDDEN)
    by_region = RegionCountSerializer(many=True)


class StatisticsApi(ActorAPIView):
    @extend_schema(responses=SummarySerializer)
    def get(self, request):
        return Response(SummarySerializer(published_summary(actor=self.actor)).data)
