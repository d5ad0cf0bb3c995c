"""`/api/v1/me/`: who am I, which roles do I hold (ids for the X-Kotopaikka-Role header)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from kotopaikka.core.api import ActorAPIView

from .policy import active_assignments


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    acting = AssignmentSerializer()
    assignments = AssignmentSerializer(many=True)


class MeApi(ActorAPIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        data = {
            "username": request.user.get_username(),
            "acting": self.actor.assignment,
            "assignments": list(active_assignments(request.user)),
        }
        return Response(MeSerializer(data).data)
