"""Reference-data API: public information, no personal data, so no read audit."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from kotopaikka.core.api import ActorAPIView
from kotopaikka.core.operations import Op, require

from .models import Municipality, Organisation
from .selectors import municipalities_with_relations


class MunicipalitySerializer(serializers.ModelSerializer):
    name = serializers.CharField(help_text="Name in the language of the request (Accept-Language).")
    region = serializers.CharField(source="region.code")
    wellbeing_county = serializers.CharField(source="wellbeing_county.code")
    regional_authorities = serializers.SerializerMethodField()

    class Meta:
        model = Municipality
        fields = [
            "code",
            "name",
            "name_fi",
            "name_sv",
            "name_en",
            "language_status",
            "region",
            "wellbeing_county",
            "regional_authorities",
            "population",
            "population_date",
            "unemployment_share",
        ]

    def get_regional_authorities(self, obj) -> list[dict]:
        return [
            {
                "kind": a.kind,
                "code": a.code,
                "name": a.name,
                "valid_from": a.valid_from,
                "valid_until": a.valid_until,
            }
            for a in obj.regional_authorities.all()
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    name = serializers.CharField()

    class Meta:
        model = Organisation
        fields = ["code", "kind", "name", "name_fi", "name_sv", "name_en", "is_active"]


class MunicipalityListApi(ActorAPIView):
    @extend_schema(responses=MunicipalitySerializer(many=True))
    def get(self, request):
        require(self.actor, Op.REGISTRY_VIEW)
        return Response(MunicipalitySerializer(municipalities_with_relations(), many=True).data)


class MunicipalityDetailApi(ActorAPIView):
    @extend_schema(responses=MunicipalitySerializer)
    def get(self, request, code: str):
        require(self.actor, Op.REGISTRY_VIEW)
        return Response(
            MunicipalitySerializer(
                get_object_or_404(municipalities_with_relations(), code=code)
            ).data
        )


class OrganisationListApi(ActorAPIView):
    @extend_schema(responses=OrganisationSerializer(many=True))
    def get(self, request):
        require(self.actor, Op.REGISTRY_VIEW)
        return Response(OrganisationSerializer(Organisation.objects.all(), many=True).data)
