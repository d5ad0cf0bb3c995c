"""Integration plans: versions with what changed, planned measures, the client's agreement,
length checked against the dated rules, and reviews."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.models import RoleAssignment
from kotopaikka.access.policy import Actor, require
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.errors import FieldErrors
from kotopaikka.core.operations import Op
from kotopaikka.rules.errors import RuleNotSet
from kotopaikka.rules.selectors import rule_value

from .deadlines import add_months, months_rule
from .models import (
    Cefr,
    ClientEvent,
    IntegrationClient,
    IntegrationPlan,
    PlanMeasure,
    PlanReview,
    ServiceKind,
)
from .scope import MUNICIPAL_ROLES
from .services import locked_client, timeline_add

OBJECT_TYPE = "integration.IntegrationPlan"
REVIEW = "integration.PlanReview"
FIRST_MAX = "integration.plan.first_max_length"
TOTAL_MAX = "integration.plan.total_max_length"
MAX_MEASURES = 30
MAX_HOURS = Decimal("2000")
TEXT_LIMIT = 5000


@dataclass
class MeasureData:
    service: str
    provider: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    hours: Decimal | None = None
    description: str = ""
    enrolled_on: dt.date | None = None
    final_test_level: str = ""


@dataclass
class PlanData:
    starts_on: dt.date
    ends_on: dt.date
    goals: str
    responsible_worker_id: int
    measures: list[MeasureData] = field(default_factory=list)
    agreed_on: dt.date | None = None
    agreed_how: str = ""
    agreement_interpreter: bool = False
    length_reason: str = ""
    change_summary: str = ""


def _fmt(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


REVIEW_RULE = "integration.plan.review_interval"


def next_review_due(versions: list[IntegrationPlan]) -> dt.date:
    """When the plan is next to be reviewed: the interval in force, from the later of the
    current version's start and the last review of any version (`versions` oldest first,
    reviews prefetched); RuleNotSet if the interval has no value."""
    current = versions[-1]
    reviews = [r.reviewed_on for p in versions for r in p.reviews.all()]
    return months_rule(REVIEW_RULE, max([current.starts_on, *reviews]))


def length_limits(first_start: dt.date) -> tuple[dt.date, dt.date]:
    """The last days of the first plan and of all plans together, from the rules in force when
    the first plan started (RuleNotSet if either is unset)."""
    first = add_months(first_start, int(rule_value(FIRST_MAX, first_start))) - dt.timedelta(1)
    total = add_months(first_start, int(rule_value(TOTAL_MAX, first_start))) - dt.timedelta(1)
    return first, total


def _measure_errors(index: int, m: MeasureData, plan: PlanData, add) -> None:
    prefix = f"measures.{index}"
    if m.service not in ServiceKind.values:
        add(f"{prefix}.service", _("Unknown value %(value)s.") % {"value": m.service})
    if not (m.provider or "").strip():
        add(f"{prefix}.provider", _("Name the provider."))
    elif len(m.provider) > 200:
        add(f"{prefix}.provider", _("At most %(n)s characters.") % {"n": 200})
    if len(m.description or "") > 300:
        add(f"{prefix}.description", _("At most %(n)s characters.") % {"n": 300})
    if m.hours is not None and not (Decimal(0) < m.hours <= MAX_HOURS):
        add(f"{prefix}.hours", _("Between 0 and %(max)s hours.") % {"max": MAX_HOURS})
    if m.ends_on and m.ends_on < m.starts_on:
        add(f"{prefix}.ends_on", _("The end cannot be before the start."))
    if m.starts_on < plan.starts_on or m.starts_on > plan.ends_on:
        add(f"{prefix}.starts_on", _("The measure starts within the plan's period."))
    if m.final_test_level and m.final_test_level not in Cefr.values:
        add(
            f"{prefix}.final_test_level",
            _("Unknown value %(value)s.") % {"value": m.final_test_level},
        )
    elif m.final_test_level and m.service != ServiceKind.INTEGRATION_TRAINING:
        add(f"{prefix}.final_test_level", _("Only integration training ends with the final test."))
    if m.enrolled_on and m.enrolled_on > timezone.localdate():
        add(f"{prefix}.enrolled_on", _("The date cannot be in the future."))


def _clean(client: IntegrationClient, data: PlanData, previous: IntegrationPlan | None) -> None:
    errors = FieldErrors()
    add = errors.add

    today = timezone.localdate()
    if not data.goals.strip():
        add("goals", _("Write the plan's goals."))
    for name in ("goals", "length_reason", "change_summary"):
        if len(getattr(data, name) or "") > TEXT_LIMIT:
            add(name, _("At most %(n)s characters.") % {"n": TEXT_LIMIT})
    if data.ends_on < data.starts_on:
        add("ends_on", _("The end cannot be before the start."))
    if data.agreed_how and data.agreed_how not in IntegrationPlan.AgreedHow.values:
        add("agreed_how", _("Unknown value %(value)s.") % {"value": data.agreed_how})
    if data.agreed_on and not data.agreed_how:
        add("agreed_how", _("Say how the client agreed."))
    if data.agreed_on and data.agreed_on > today:
        add("agreed_on", _("The date cannot be in the future."))
    if previous is not None and not data.change_summary.strip():
        add("change_summary", _("Say what changed from version %(n)s.") % {"n": previous.version})
    if not RoleAssignment.objects.filter(
        user_id=data.responsible_worker_id,
        is_active=True,
        role__in=MUNICIPAL_ROLES,
        organisation__municipality_id=client.municipality_id,
    ).exists():
        add("responsible_worker", _("Not an integration worker of the client's municipality."))
    if len(data.measures) > MAX_MEASURES:
        add("measures", _("At most %(n)s measures.") % {"n": MAX_MEASURES})
    for index, measure in enumerate(data.measures):
        _measure_errors(index, measure, data, add)
    if data.ends_on >= data.starts_on:
        first = client.plans.order_by("version").first()
        first_start = first.starts_on if first else data.starts_on
        try:
            first_end, total_end = length_limits(first_start)
        except RuleNotSet as exc:
            add("ends_on", exc.messages[0])
        else:
            is_first = previous is None  # later versions continue or revise it
            over = (
                _("The first plan may run until %(date)s.") % {"date": _fmt(first_end)}
                if is_first and data.ends_on > first_end
                else _("All plans together may as a rule run until %(date)s.")
                % {"date": _fmt(total_end)}
                if data.ends_on > total_end
                else None
            )
            if over and not data.length_reason.strip():
                add("length_reason", over + " " + _("A longer plan needs a recorded reason."))
    errors.raise_if_any()


def plan_save(*, actor: Actor, client_id, data: PlanData) -> IntegrationPlan:
    """Make the next version of the client's plan (the first one, or a change): the older
    versions stay as they were. The client's status becomes "plan active"."""
    require(actor, Op.CLIENT_UPDATE)
    with locked_client(actor, client_id, "plan") as client:
        previous = client.plans.order_by("-version").first()
        _clean(client, data, previous)
        plan = IntegrationPlan.objects.create(
            client=client,
            municipality_id=client.municipality_id,
            version=(previous.version + 1) if previous else 1,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            goals=data.goals.strip(),
            responsible_worker_id=data.responsible_worker_id,
            agreed_on=data.agreed_on,
            agreed_how=data.agreed_how,
            agreement_interpreter=data.agreement_interpreter,
            length_reason=data.length_reason.strip(),
            change_summary=data.change_summary.strip(),
            created_by=actor.user.get_username(),
        )
        PlanMeasure.objects.bulk_create(
            PlanMeasure(
                plan=plan,
                service=m.service,
                provider=m.provider.strip(),
                description=(m.description or "").strip(),
                hours=m.hours,
                starts_on=m.starts_on,
                ends_on=m.ends_on,
                enrolled_on=m.enrolled_on,
                final_test_level=m.final_test_level,
            )
            for m in data.measures
        )
        if client.status in (
            IntegrationClient.Status.RECEIVED,
            IntegrationClient.Status.ASSESSMENT,
            IntegrationClient.Status.PLAN_ENDED,
        ):
            client.status = IntegrationClient.Status.PLAN_ACTIVE
            client.save(update_fields=["status", "updated_at"])
        timeline_add(client, actor, ClientEvent.Kind.PLAN, [f"version {plan.version}"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=OBJECT_TYPE,
            object_id=str(plan.pk),
            person_id=client.person_id,
            fields=["goals", "measures", "dates", "agreement", "responsible_worker"],
            detail={"client": str(client.pk), "version": plan.version},
        )
    return plan


def plan_review_record(
    *, actor: Actor, client_id, reviewed_on: dt.date, note: str = ""
) -> PlanReview:
    """Record a review of the client's current plan (the six-month review rule's clock)."""
    require(actor, Op.CLIENT_UPDATE)
    errors = FieldErrors()
    if reviewed_on > timezone.localdate():
        errors.add("reviewed_on", _("The date cannot be in the future."))
    if len(note) > TEXT_LIMIT:
        errors.add("note", _("At most %(n)s characters.") % {"n": TEXT_LIMIT})
    errors.raise_if_any()
    with locked_client(actor, client_id, "plan_review") as client:
        plan = client.plans.order_by("-version").first()
        if plan is None:
            raise ValidationError({"reviewed_on": [_("The client has no integration plan.")]})
        if reviewed_on < plan.starts_on:
            raise ValidationError({"reviewed_on": [_("The review cannot be before the plan.")]})
        review = PlanReview.objects.create(
            client=client,
            plan=plan,
            reviewed_on=reviewed_on,
            note=note.strip(),
            reviewed_by=actor.user.get_username(),
        )
        timeline_add(client, actor, ClientEvent.Kind.REVIEW)
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=REVIEW,
            object_id=str(review.pk),
            person_id=client.person_id,
            fields=["reviewed_on", "note"],
            detail={"client": str(client.pk), "version": plan.version},
        )
    return review
