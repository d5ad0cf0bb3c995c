from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotopaikka.access.roles import Op
from kotopaikka.core.decorators import requires

from .models import Municipality, Region


@requires(Op.REGISTRY_VIEW)
def municipalities(request: HttpRequest) -> HttpResponse:
    queryset = Municipality.objects.select_related("region", "wellbeing_county").prefetch_related(
        "regional_authorities"
    )
    region = request.GET.get("region", "")
    if region:
        queryset = queryset.filter(region__code=region)
    return render(
        request,
        "registry/municipalities.html",
        {"municipalities": queryset, "regions": Region.objects.all(), "region": region},
    )
