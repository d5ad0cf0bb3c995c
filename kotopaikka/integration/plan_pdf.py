"""The printable integration plan: Finnish or Swedish with an English summary, the client's
names in the scripts given (right-to-left ones shaped and marked as such). Printing is a read
of the client's data and is audited as one."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.scope import in_scope_or_404
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.operations import Op
from kotopaikka.core.pdf import render_pdf

from .errors import ClientNotFound
from .models import IntegrationClient
from .plans import next_review_due
from .services import OBJECT_TYPE

LANGUAGES = ("fi", "sv")
RTL_SCRIPTS = {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo"}


def _is_rtl(value: str, script: str) -> bool:
    if script in RTL_SCRIPTS:
        return True
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in value)


def plan_pdf(*, actor: Actor, client_id, language: str) -> tuple[IntegrationClient, bytes]:
    """The client's current plan as PDF in `language` (fi or sv) with an English summary."""
    require(actor, Op.CLIENT_VIEW)
    if language not in LANGUAGES:
        raise ValidationError({"language": [_("Finnish (fi) or Swedish (sv).")]})
    client = in_scope_or_404(
        IntegrationClient.objects.for_actor(actor).select_related("person", "municipality"),
        client_id,
        actor=actor,
        object_type=OBJECT_TYPE,
        purpose="print_plan",
        not_found=ClientNotFound,
    )
    plan = client.plans.select_related("responsible_worker").order_by("-version").first()
    if plan is None:
        raise ValidationError({"plan": [_("The client has no integration plan.")]})
    measures = list(plan.measures.all())
    person = client.person
    names = [
        {"value": n.value, "rtl": _is_rtl(n.value, n.script), "lang": f"und-{n.script or 'Zyyy'}"}
        for n in person.other_names.all()
    ]
    try:
        review_due = next_review_due(
            list(client.plans.order_by("version").prefetch_related("reviews"))
        )
    except ValidationError:  # the review interval has no value: the PDF says nothing of it
        review_due = None
    worker = plan.responsible_worker
    context = {
        "plan": plan,
        "measures": measures,
        "person": person,
        "other_names": names,
        "worker": worker.get_full_name() or worker.get_username(),
        "review_due": review_due,
        "synthetic": getattr(person, "is_synthetic", False),
    }
    with translation.override("en"):
        summary = render_to_string(
            "integration/plan_pdf_summary.html",
            {**context, "municipality": client.municipality.name},
        )
    with translation.override(language):
        municipality = client.municipality.name
    pdf = render_pdf(
        "integration/plan_pdf.html",
        {**context, "municipality": municipality, "summary": summary},
        language,
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.READ,
        object_type=OBJECT_TYPE,
        object_id=client.pk,
        person_id=client.person_id,
        fields=["person", "other_names", "date_of_birth", "plan", "measures"],
        detail={"purpose": "print_plan", "version": plan.version, "language": language},
    )
    return client, pdf
