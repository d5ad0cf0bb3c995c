"""Placement workflow: every change in one transaction, with an audit event.

Capacity is guarded by locking the municipality's `AgreementYear` row (SELECT … FOR UPDATE)
and recounting usage inside the lock, so two officers or two municipal workers acting on the
last place at the same moment cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.access.scope import locked_in_scope
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_denial, record_event
from kotopaikka.integration import services as integration_services
from kotopaikka.people import services as people_services
from kotopaikka.people.validators import normalise_country, normalise_language
from kotopaikka.registry.models import Municipality, Organisation

from . import workflow
from .capacity import CapacityExceeded, dimension_labels, lock_usage, usage_by_year
from .errors import CaseNotFound, ProposalNotFound
from .models import (
    DIMENSION_LABELS,
    AgreementYear,
    Arrival,
    CaseMember,
    Need,
    PlacementAgreement,
    PlacementCase,
    Proposal,
    SelfArrangedMove,
)
from .workflow import Action

CASE = "placement.PlacementCase"
PROPOSAL = "placement.Proposal"
RUN = "placement.OptimiserRun"
DEFAULT_DECISION_DAYS = 14
MAX_NOTE_LENGTH = 500  # Proposal.decline_note's max_length
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


# --- cases ---------------------------------------------------------------------------------


@dataclass
class MemberData:
    age: int
    sex: str = ""
    education_years: int | None = None
    work_experience_years: int | None = None
    languages: list[str] = field(default_factory=list)
    literate: bool | None = None
    unaccompanied_minor: bool = False


@dataclass
class CaseData:
    reference: str
    kind: str = PlacementCase.Kind.QUOTA
    members: list[MemberData] = field(default_factory=list)
    emergency: bool = False
    nationality: str = ""
    needs: list[str] = field(default_factory=list)
    ties: list[str] = field(default_factory=list)
    wishes: list[str] = field(default_factory=list)
    wishes_note: str = ""
    available_from: dt.date | None = None
    linked_group: str = ""
    received_on: dt.date | None = None


def _clean_case(data: CaseData) -> CaseData:
    """Validate a case by field; raise one ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    reference = data.reference.strip()
    if not reference:
        add("reference", _("The case reference is required."))
    elif PlacementCase.objects.filter(reference=reference).exists():
        add("reference", _("A case with this reference already exists."))
    if data.kind not in PlacementCase.Kind.values:
        add("kind", _("Unknown value %(value)s.") % {"value": data.kind})
    if not data.members:
        add("members", _("A case has at least one member."))
    for index, member in enumerate(data.members, start=1):
        if not 0 <= member.age <= 120:
            add("members", _("Member %(n)s: the age must be between 0 and 120.") % {"n": index})
        for name in ("education_years", "work_experience_years"):
            value = getattr(member, name)
            if value is not None and not 0 <= value <= 60:
                label = CaseMember._meta.get_field(name).verbose_name
                add(
                    "members",
                    _("Member %(n)s: %(field)s must be between 0 and 60.")
                    % {"n": index, "field": label},
                )
        if member.unaccompanied_minor and member.age >= 18:
            add("members", _("Member %(n)s: an unaccompanied minor is under 18.") % {"n": index})
        try:
            member.languages = [normalise_language(code) for code in member.languages]
        except ValidationError as exc:
            add("members", _("Member %(n)s: %(error)s") % {"n": index, "error": exc.messages[0]})
    unknown_needs = sorted(set(data.needs) - set(Need.values))
    if unknown_needs:
        add("needs", _("Unknown needs: %(codes)s.") % {"codes": ", ".join(unknown_needs)})
    for name in ("ties", "wishes"):
        codes = [str(c).strip().zfill(3) for c in getattr(data, name)]
        known = set(Municipality.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            add(name, _("Unknown municipality codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        setattr(data, name, sorted(set(codes)))
    if data.nationality:
        try:
            data.nationality = normalise_country(data.nationality)
        except ValidationError as exc:
            add("nationality", exc.messages[0])
    if errors:
        raise ValidationError(errors)
    data.reference = reference
    return data


def _holder(actor: Actor, kind: str) -> dict:
    org = actor.organisation
    if org.kind == Organisation.Kind.REGIONAL_AUTHORITY:
        return {"regional_authority": org}
    if org.kind == Organisation.Kind.RECEPTION_CENTRE:
        if kind != PlacementCase.Kind.RECEPTION:
            raise ValidationError(
                {
                    "kind": [
                        _(
                            "A reception centre registers only placement applications of its own residents."
                        )
                    ]
                }
            )
        authority = (
            org.located_in.regional_authority_on(timezone.localdate()) if org.located_in else None
        )
        if authority is None or not hasattr(authority, "organisation"):
            raise ValidationError(_("The reception centre has no regional authority."))
        return {"regional_authority": authority.organisation, "reception_centre": org}
    raise ValidationError(_("Your organisation cannot register placement cases."))


def case_create(*, actor: Actor, data: CaseData, is_synthetic: bool = False) -> PlacementCase:
    """Register a case waiting for a municipality (a quota case or a placement application)."""
    require(actor, Op.CASE_CREATE)
    data = _clean_case(data)
    holder = _holder(actor, data.kind)
    with transaction.atomic():
        case = PlacementCase.objects.create(
            kind=data.kind,
            reference=data.reference,
            emergency=data.emergency,
            nationality=data.nationality,
            needs=sorted(set(data.needs)),
            ties=data.ties,
            wishes=data.wishes,
            wishes_note=data.wishes_note,
            available_from=data.available_from,
            linked_group=data.linked_group.strip(),
            received_on=data.received_on or timezone.localdate(),
            is_synthetic=is_synthetic,
            **holder,
        )
        CaseMember.objects.bulk_create(
            CaseMember(
                case=case,
                age=m.age,
                sex=m.sex,
                education_years=m.education_years,
                work_experience_years=m.work_experience_years,
                languages=m.languages,
                literate=m.literate,
                unaccompanied_minor=m.unaccompanied_minor,
            )
            for m in data.members
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=CASE,
            object_id=case.pk,
            fields=["members", "needs", "ties", "wishes", "emergency"],
        )
    return case


# --- agreements ------------------------------------------------------------------------------


def _authority_serves(actor: Actor, municipality: Municipality) -> bool:
    return actor.organisation.municipalities_in_area().filter(pk=municipality.pk).exists()


def agreement_save(
    *,
    actor: Actor,
    municipality_code: str,
    valid_from: dt.date,
    valid_until: dt.date | None,
    years: dict[int, dict[str, int | None]],
    services: list[str],
    accepts_emergency_cases: bool,
    wellbeing_county_consulted_on: dt.date | None,
    document=None,
    is_synthetic: bool = False,
) -> PlacementAgreement:
    """Create or revise a municipality's agreement (same municipality and start date = revise).

    Places cannot be cut below what is already proposed, accepted or arrived.
    """
    require(actor, Op.AGREEMENT_MANAGE)
    errors: dict[str, list[str]] = {}
    municipality = Municipality.objects.filter(code=municipality_code).first()
    if municipality is None or not _authority_serves(actor, municipality):
        errors["municipality"] = [_("Not a municipality in your area.")]
    if valid_until and valid_until < valid_from:
        errors["valid_until"] = [_("The end date is before the start date.")]
    if document is not None and (
        not document.name.lower().endswith(".pdf") or document.size > MAX_DOCUMENT_BYTES
    ):
        errors["document"] = [_("The agreement document must be a PDF file of at most 10 MB.")]
    unknown = sorted(set(services) - set(Need.values))
    if unknown:
        errors["services"] = [_("Unknown services: %(codes)s.") % {"codes": ", ".join(unknown)}]
    for year, places in years.items():
        if (
            valid_until and not valid_from.year <= year <= valid_until.year
        ) or year < valid_from.year:
            errors.setdefault("years", []).append(
                _("%(year)s is outside the agreement period.") % {"year": year}
            )
        if places.get("persons") is None:
            errors.setdefault("years", []).append(
                _("%(year)s: the number of persons is required.") % {"year": year}
            )
        for dimension, value in places.items():
            if value is not None and value < 0:
                errors.setdefault("years", []).append(
                    _("%(year)s: %(dimension)s cannot be negative.")
                    % {"year": year, "dimension": DIMENSION_LABELS.get(dimension, dimension)}
                )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement, created = PlacementAgreement.objects.select_for_update().get_or_create(
            municipality=municipality,
            valid_from=valid_from,
            defaults={"regional_authority": actor.organisation},
        )
        if not created:
            agreement.version += 1
        agreement.regional_authority = actor.organisation
        agreement.valid_until = valid_until
        agreement.services = sorted(set(services))
        agreement.accepts_emergency_cases = accepts_emergency_cases
        agreement.wellbeing_county_consulted_on = wellbeing_county_consulted_on
        agreement.is_synthetic = is_synthetic
        if document is not None:
            agreement.document.save(
                f"{municipality.code}-{valid_from:%Y}.pdf", document, save=False
            )
        agreement.save()
        for year, places in years.items():
            row, _created = AgreementYear.objects.select_for_update().get_or_create(
                agreement=agreement, year=year, defaults={"persons": places["persons"]}
            )
            for dimension, value in places.items():
                setattr(row, dimension, value)
            below = usage_by_year([row])[row.pk].overbooked()
            if below:
                raise ValidationError(
                    {
                        "years": [
                            _("%(year)s: places would fall below those already in use (%(dims)s).")
                            % {"year": year, "dims": dimension_labels(below)}
                        ]
                    }
                )
            row.save()
    return agreement


def agreement_year_for(municipality: Municipality, on: dt.date) -> AgreementYear | None:
    """The agreed places of `municipality` for the year of `on`, from the agreement in force."""
    return (
        AgreementYear.objects.filter(
            agreement__municipality=municipality, year=on.year, agreement__valid_from__lte=on
        )
        .exclude(agreement__valid_until__lt=on)
        .select_related("agreement")
        .order_by("-agreement__valid_from")
        .first()
    )


# --- proposals -------------------------------------------------------------------------------


def _locked_case(actor: Actor, case_id, purpose: str):
    """Check that the actor may see the case, then lock it for the change (an audited 404
    otherwise; `access.scope.locked_in_scope`)."""
    return locked_in_scope(
        PlacementCase.objects.for_actor(actor),
        case_id,
        actor=actor,
        object_type=CASE,
        purpose=purpose,
        not_found=CaseNotFound,
    )


def _unmet_reasons(
    case: PlacementCase, year: AgreementYear | None, municipality: Municipality
) -> list[str]:
    if year is None:
        return [_("The municipality has no agreed places for this year.")]
    reasons = []
    if case.excluded_municipalities.filter(pk=municipality.pk).exists():
        reasons.append(_("The municipality has declined this case."))
    missing = sorted(set(case.needs) - set(year.agreement.services))
    if (
        any(m.unaccompanied_minor for m in case.members.all())
        and Need.UNACCOMPANIED_MINOR_HOUSING not in year.agreement.services
    ):
        missing = sorted({*missing, Need.UNACCOMPANIED_MINOR_HOUSING})
    if missing:
        reasons.append(
            _("Needs the municipality cannot meet: %(needs)s.")
            % {"needs": ", ".join(str(Need(n).label) for n in missing)}
        )
    if case.emergency and not year.agreement.accepts_emergency_cases:
        reasons.append(_("The municipality does not take emergency cases."))
    return reasons


def proposal_create(
    *,
    actor: Actor,
    case_id,
    municipality_code: str,
    deadline: dt.date | None = None,
    explanation: dict | None = None,
    on: dt.date | None = None,
) -> Proposal:
    """Propose a waiting case to a municipality, reserving its places (never beyond agreed)."""
    require(actor, Op.PROPOSAL_CREATE)
    today = on or timezone.localdate()
    municipality = Municipality.objects.filter(code=municipality_code).first()
    if municipality is None:
        raise ValidationError({"municipality": [_("Unknown municipality.")]})
    with _locked_case(actor, case_id, "propose") as case:
        next_status = workflow.check(Action.PROPOSE, case)
        year = agreement_year_for(municipality, today)
        usage = None
        if year is not None:
            year, usage = lock_usage(year.pk, with_agreement=True)
        reasons = _unmet_reasons(case, year, municipality)
        if reasons:
            raise ValidationError({"municipality": reasons})
        demand = case.demand()
        exceeded = usage.exceeded_by(demand)
        if exceeded:
            raise CapacityExceeded(exceeded)
        proposal = Proposal.objects.create(
            case=case,
            municipality=municipality,
            agreement_year=year,
            demand=demand,
            explanation=explanation or {},
            proposed_by=actor.user.get_username(),
            deadline=deadline or today + dt.timedelta(days=DEFAULT_DECISION_DAYS),
        )
        case.status = next_status
        case.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=PROPOSAL,
            object_id=proposal.pk,
            subject_ids=case.person_ids(),
            detail={"case": str(case.pk), "municipality": municipality.code},
        )
    return proposal


def _locked_proposal(actor: Actor, proposal_id, purpose: str):
    """Check that the proposal is in the actor's scope (`placement.scope.proposal_scope_q`),
    then lock it, with its case and municipality, for the change (an audited 404 otherwise)."""
    return locked_in_scope(
        Proposal.objects.for_actor(actor),
        proposal_id,
        actor=actor,
        object_type=PROPOSAL,
        purpose=purpose,
        not_found=ProposalNotFound,
        select_related=("case", "municipality"),
    )


def proposal_decide(
    *, actor: Actor, proposal_id, accept: bool, reason: str = "", note: str = ""
) -> Proposal:
    """The municipality accepts or declines. Acceptance opens the persons' data to it; a
    declined case returns to the queue with the municipality excluded."""
    require(actor, Op.PROPOSAL_DECIDE)
    errors: dict[str, list[str]] = {}
    if not accept and reason not in Proposal.DeclineReason.values:
        errors["reason"] = [_("Choose the reason for declining.")]
    if len(note.strip()) > MAX_NOTE_LENGTH:
        errors["note"] = [
            _("The note can be at most %(limit)s characters (it has %(length)s).")
            % {"limit": MAX_NOTE_LENGTH, "length": len(note.strip())}
        ]
    if errors:
        raise ValidationError(errors)
    action = Action.ACCEPT if accept else Action.DECLINE
    with _locked_proposal(actor, proposal_id, "decide") as proposal:
        # Locks in the same order either way: proposal, year (usage counted inside), case.
        _year, usage = lock_usage(proposal.agreement_year_id)
        # Free places fall below zero only through self-arranged moves, which are always
        # recorded (agreement_save refuses cuts below places in use): while the year is
        # overbooked, refuse to accept.
        over = usage.overbooked() if accept else []
        if over:
            raise CapacityExceeded(over)
        case = PlacementCase.objects.select_for_update().get(pk=proposal.case_id)
        case.status = workflow.check(action, case, proposal)
        proposal.status = workflow.proposal_after(action)
        if accept:
            people_services.persons_move_to_municipality(  # the municipality now holds them
                actor=actor,
                person_ids=case.person_ids(),
                municipality=proposal.municipality,
                reason="proposal_accepted",
                detail={"case": str(case.pk), "proposal": str(proposal.pk)},
            )
        else:
            proposal.decline_reason = reason
            case.excluded_municipalities.add(proposal.municipality)
        proposal.decline_note = note.strip()
        proposal.decided_by = actor.user.get_username()
        proposal.decided_at = timezone.now()
        proposal.save()
        case.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=PROPOSAL,
            object_id=proposal.pk,
            subject_ids=case.person_ids(),
            fields=["status"],
            detail={"decision": "accepted" if accept else "declined", "reason": reason},
        )
    return proposal


def proposal_withdraw(*, actor: Actor, proposal_id) -> Proposal:
    """The regional authority takes back a pending proposal; the case waits again."""
    require(actor, Op.PROPOSAL_WITHDRAW)
    with _locked_proposal(actor, proposal_id, "withdraw") as proposal:
        case = PlacementCase.objects.select_for_update().get(pk=proposal.case_id)
        case.status = workflow.check(Action.WITHDRAW, case, proposal)
        proposal.status = workflow.proposal_after(Action.WITHDRAW)
        proposal.save(update_fields=["status"])
        case.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=PROPOSAL,
            object_id=proposal.pk,
            subject_ids=case.person_ids(),
            fields=["status"],
            detail={"decision": "withdrawn"},
        )
    return proposal


def placement_decide(*, actor: Actor, proposal_id, decided_on: dt.date | None = None) -> Proposal:
    """The regional authority records the placement decision (osoitus) after acceptance."""
    require(actor, Op.PLACEMENT_DECIDE)
    with _locked_proposal(actor, proposal_id, "placement_decision") as proposal:
        case = PlacementCase.objects.select_for_update().get(pk=proposal.case_id)
        case.status = workflow.check(Action.DECIDE_PLACEMENT, case, proposal)
        proposal.placement_decided_on = decided_on or timezone.localdate()
        proposal.save(update_fields=["placement_decided_on"])
        case.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=PROPOSAL,
            object_id=proposal.pk,
            subject_ids=case.person_ids(),
            fields=["placement_decided_on"],
        )
    return proposal


def arrival_record(*, actor: Actor, proposal_id, arrived_on: dt.date) -> Arrival:
    """The municipality records arrival: each member with a person record becomes an
    integration client, and the compensation period starts from the arrival date."""
    require(actor, Op.ARRIVAL_RECORD)
    if arrived_on > timezone.localdate():
        raise ValidationError({"arrived_on": [_("The arrival date cannot be in the future.")]})
    with _locked_proposal(actor, proposal_id, "arrival") as proposal:
        case = PlacementCase.objects.select_for_update().get(pk=proposal.case_id)
        next_status = workflow.check(Action.RECORD_ARRIVAL, case, proposal)
        arrival = Arrival.objects.create(
            case=case,
            proposal=proposal,
            municipality=proposal.municipality,
            arrived_on=arrived_on,
            recorded_by=actor.user.get_username(),
        )
        _start_integration(actor, case, proposal.municipality, arrived_on, "arrival")
        case.status = next_status
        case.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="placement.Arrival",
            object_id=arrival.pk,
            subject_ids=case.person_ids(),
            detail={"case": str(case.pk), "arrived_on": arrived_on.isoformat()},
        )
    return arrival


def _start_integration(
    actor: Actor, case: PlacementCase, municipality: Municipality, on: dt.date, reason: str
) -> None:
    """The members with a person record move to the municipality and become its integration
    clients (through the owning apps' services, which audit each person)."""
    person_ids = case.person_ids()
    detail = {"case": str(case.pk)}
    people_services.persons_move_to_municipality(
        actor=actor, person_ids=person_ids, municipality=municipality, reason=reason, detail=detail
    )
    integration_services.client_receive(
        actor=actor,
        person_ids=person_ids,
        municipality=municipality,
        received_on=on,
        first_residence_date=on,
        reason=reason,
    )


def self_arranged_move_record(
    *, actor: Actor, reference: str, moved_on: dt.date
) -> SelfArrangedMove:
    """Record that a case moved to the actor's municipality on its own. Always recorded and
    counted; `exceeded` lists the dimensions in which it goes over the agreement.

    The municipality finds the case by its reference (the mover or the reception centre gives
    it): a waiting case is not otherwise visible to a municipality.
    """
    require(actor, Op.SELF_MOVE_RECORD)
    municipality = actor.organisation.municipality
    if moved_on > timezone.localdate():
        raise ValidationError({"moved_on": [_("The date cannot be in the future.")]})
    movable = (PlacementCase.Status.WAITING, PlacementCase.Status.PROPOSED)
    found = PlacementCase.objects.filter(reference=reference.strip(), status__in=movable).first()
    if found is None:
        record_denial(
            actor=actor, object_type=CASE, object_id=reference.strip(), purpose="self_arranged_move"
        )
        raise CaseNotFound()
    with transaction.atomic():
        case = PlacementCase.objects.select_for_update().get(pk=found.pk)
        if case.status not in movable:
            raise ValidationError({"reference": [_("The case was placed a moment ago.")]})
        Proposal.objects.filter(case=case, status=Proposal.Status.PENDING).update(
            status=Proposal.Status.WITHDRAWN
        )
        year = agreement_year_for(municipality, moved_on)
        demand = case.demand()
        exceeded: list[str] = []
        if year is not None:
            year, usage = lock_usage(year.pk)
            exceeded = usage.exceeded_by(demand)
        move = SelfArrangedMove.objects.create(
            case=case,
            municipality=municipality,
            agreement_year=year,
            moved_on=moved_on,
            demand=demand,
            exceeded=exceeded,
            recorded_by=actor.user.get_username(),
        )
        _start_integration(actor, case, municipality, moved_on, "self_arranged_move")
        case.status = PlacementCase.Status.MOVED_INDEPENDENTLY
        case.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="placement.SelfArrangedMove",
            object_id=move.pk,
            detail={"case": str(case.pk), "exceeded": exceeded},
        )
    return move
