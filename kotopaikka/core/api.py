"""Base API view: resolves the acting role for API calls exactly as the UI does.

The resolution itself is the access policy's (`access.api_actor.actor_for_api_request`, named
by the `KOTOPAIKKA_API_ACTOR` setting): core sits below the access layer and does not import
it, as Django names its user model by a setting rather than an import.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework.views import APIView


@cache
def _resolver():
    return import_string(settings.KOTOPAIKKA_API_ACTOR)


class ActorAPIView(APIView):
    """Every Kotopaikka endpoint acts as one role assignment (see `actor_for_api_request`).

    The actor is also put on the underlying Django request, where the audit middleware finds
    it when it records a refusal.
    """

    actor: Any

    def query(self, serializer_class) -> dict[str, Any]:
        """The request's query parameters validated by `serializer_class` (400 by parameter).

        A plain dict, not the QueryDict: DRF treats an empty value in form-style input as
        "not sent", so `?need=` would pass a field whose schema has no empty value."""
        params = serializer_class(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        return params.validated_data

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.actor = _resolver()(request)
        request._request.actor = self.actor
