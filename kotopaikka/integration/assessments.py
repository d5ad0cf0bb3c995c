"""The assessment of skills and integration service needs (681/2023): recorded by the
municipality's official, validated against the Act's content and its eligibility window."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.models import RoleAssignment
from kotopaikka.access.policy import Actor, require
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.errors import FieldErrors
from kotopaikka.core.operations import Op
from kotopaikka.people.validators import normalise_language
from kotopaikka.rules.errors import RuleNotSet
from kotopaikka.rules.selectors import rule_value

from .deadlines import add_months
from .models import Assessment, Cefr, ClientEvent, IntegrationClient
from .scope import MUNICIPAL_ROLES
from .services import locked_client, timeline_add

OBJECT_TYPE = "integration.Assessment"
TEXT_LIMIT = 5000
WINDOW_RULE = "integration.assessment.window_after_first_permit"
TEXT_FIELDS = (
    "participants",
    "learning_skills",
    "working_life_skills",
    "employment_needs",
    "education_needs",
    "earlier_education",
    "work_experience",
    "strengths",
    "life_situation",
    "other_service_needs",
)


@dataclass
class AssessmentData:
    """What the assessment records (681/2023: the content listed by the Act)."""

    held_on: dt.date
    held_by_id: int
    language: str
    literacy: str
    finnish_level: str
    swedish_level: str
    plan_needed: bool
    kind: str = Assessment.Kind.INITIAL
    interpreter_used: bool = False
    completed_on: dt.date | None = None
    participants: str = ""
    learning_skills: str = ""
    working_life_skills: str = ""
    employment_needs: str = ""
    education_needs: str = ""
    earlier_education: str = ""
    work_experience: str = ""
    strengths: str = ""
    life_situation: str = ""
    other_service_needs: str = ""


def window_closes_on(client: IntegrationClient) -> dt.date | None:
    """The last day an assessment may be made (first residence permit + the rule's months), or
    None when no limit applies (a victim of trafficking) or the permit date is not known."""
    if client.trafficking_victim or client.residence_permit_on is None:
        return None
    months = int(rule_value(WINDOW_RULE, client.residence_permit_on))
    return add_months(client.residence_permit_on, months)


def _clean(client: IntegrationClient, data: AssessmentData) -> dict:
    errors = FieldErrors()
    add = errors.add

    values = asdict(data)
    for name, choices in (
        ("kind", Assessment.Kind.values),
        ("literacy", Assessment.Literacy.values),
        ("finnish_level", Cefr.values),
        ("swedish_level", Cefr.values),
    ):
        if values[name] not in choices:
            add(name, _("Unknown value %(value)s.") % {"value": values[name]})
    try:
        values["language"] = normalise_language(values["language"])
    except ValidationError as exc:
        add("language", exc.messages[0])
    for name in TEXT_FIELDS:
        values[name] = (values[name] or "").strip()
        if len(values[name]) > TEXT_LIMIT:
            add(name, _("At most %(n)s characters.") % {"n": TEXT_LIMIT})
    today = timezone.localdate()
    if data.held_on > today:
        add("held_on", _("The date cannot be in the future."))
    if data.held_on < client.client_since - dt.timedelta(days=366):
        add("held_on", _("The assessment cannot be over a year before the client relationship."))
    if data.completed_on and data.completed_on > today:
        add("completed_on", _("The date cannot be in the future."))
    if data.completed_on and data.completed_on < data.held_on:
        add("completed_on", _("Completion cannot be before the interview."))
    if data.kind == Assessment.Kind.MULTI_PROFESSIONAL and not values["participants"]:
        add("participants", _("Name the other professionals who took part."))
    official = RoleAssignment.objects.filter(
        user_id=data.held_by_id,
        is_active=True,
        role__in=MUNICIPAL_ROLES,
        organisation__municipality_id=client.municipality_id,
    ).exists()
    if not official:
        add(
            "held_by",
            _("The initial interview is held by an official of the client's municipality."),
        )
    try:
        closes = window_closes_on(client)
    except RuleNotSet as exc:
        add("held_on", exc.messages[0])
    else:
        if closes and data.held_on > closes:
            add(
                "held_on",
                _(
                    "An assessment may be made until %(date)s (the first residence permit plus "
                    "the period of the rule in force); a victim of trafficking is exempt."
                )
                % {"date": f"{closes.day}.{closes.month}.{closes.year}"},
            )
    errors.raise_if_any()
    return values


def assessment_save(
    *, actor: Actor, client_id, data: AssessmentData, assessment_id=None
) -> Assessment:
    """Record a new assessment, or change one of the client's; a client just received moves to
    "in assessment". The audit event names the client and the fields written."""
    require(actor, Op.CLIENT_UPDATE)
    with locked_client(actor, client_id, "assessment") as client:
        values = _clean(client, data)
        if assessment_id is None:
            assessment = Assessment(client=client, municipality_id=client.municipality_id)
            action = AuditEvent.Action.CREATE
        else:
            assessment = Assessment.objects.filter(client=client, pk=assessment_id).first()
            if assessment is None:
                raise ValidationError({"assessment": [_("No such assessment of this client.")]})
            action = AuditEvent.Action.UPDATE
        for name, value in values.items():
            setattr(assessment, name, value)
        assessment.save()
        if client.status == IntegrationClient.Status.RECEIVED:
            client.status = IntegrationClient.Status.ASSESSMENT
            client.save(update_fields=["status", "updated_at"])
        timeline_add(client, actor, ClientEvent.Kind.ASSESSMENT, ["assessment"])
        record_event(
            actor=actor,
            action=action,
            object_type=OBJECT_TYPE,
            object_id=str(assessment.pk),
            person_id=client.person_id,
            fields=sorted(values),
            detail={"client": str(client.pk), "kind": assessment.kind},
        )
    return assessment
