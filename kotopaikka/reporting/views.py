from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotopaikka.access.roles import Op
from kotopaikka.core.decorators import requires

from .selectors import SMALL_CELL, published_summary


@requires(Op.REPORTS_VIEW)
def statistics(request: HttpRequest) -> HttpResponse:
    summary = published_summary(actor=request.actor)
    return render(
        request, "reporting/statistics.html", {"summary": summary, "small_cell": SMALL_CELL}
    )
