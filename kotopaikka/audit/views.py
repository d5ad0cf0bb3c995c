"""The audit-verification page of system administrators."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotopaikka.core.decorators import requires
from kotopaikka.core.operations import Op

from .checkpoints import check_newest
from .verify import verify_chain


@requires(Op.AUDIT_VERIFY)
def audit_verify(request: HttpRequest) -> HttpResponse:
    """The chain, then the database against the newest signed checkpoint (as `verify_audit`)."""
    return render(
        request,
        "audit/verify.html",
        {"result": verify_chain(), "checkpoint": check_newest()},
    )
