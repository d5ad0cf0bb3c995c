from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotopaikka.core.decorators import requires
from kotopaikka.core.operations import Op

from .models import Region
from .selectors import municipalities_with_relations


@requires(Op.REGISTRY_VIEW)
def municipalities(request: HttpRequest) -> HttpResponse:
    queryset = municipalities_with_relations()
    region = request.GET.get("region", "")
    if region:
        queryset = queryset.filter(region__code=region)
    return render(
        request,
        "registry/municipalities.html",
        {"municipalities": queryset, "regions": Region.objects.all(), "region": region},
    )
