"""The rules page: every dated rule with its value, legal source and confidence."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotopaikka.core.decorators import requires
from kotopaikka.core.operations import Op

from . import selectors


@requires(Op.REGISTRY_VIEW)
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(request, "rules/rule_list.html", {"rules": selectors.rule_table()})
