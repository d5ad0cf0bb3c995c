"""Placement workflow: every change in one transaction, with an audit event.

Capacity is guarded by locking the municipality's `AgreementYear` row (SELECT … FOR UPDATE)
and recounting usage inside the lock, so two officers or two municipal workers acting on the
last place at the same moment cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.access.scope import in_scope_or_404, locked_in_scope
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_denial, record_event
from kotopaikka.core.errors import TooManyAttempts
from kotopaikka.core.uploads import pdf_problem
from kotopaikka.integration import services as integration_services
from kotopaikka.integration.models import IntegrationClient
from kotopaikka.optimiser.model import DIMENSIONS
from kotopaikka.people import services as people_services
from kotopaikka.people.identifiers import InvalidIdentifier
from kotopaikka.people.models import Person
from kotopaikka.people.selectors import person_by_identity_code
from kotopaikka.people.validators import normalise_country, normalise_language
from kotopaikka.registry.models import Municipality, Organisation

from . import workflow
from .capacity import CapacityExceeded, dimension_labels, lock_usage, usage_by_year
from .errors import CaseNotFound, MoveNoticeNotFound, ProposalNotFound
from .models import (
    DIMENSION_LABELS,
    AgreementYear,
    Arrival,
    CaseMember,
    MoveNotice,
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
        if member.sex not in ("", *Person.Sex.values):
            add(
                "members",
                _("Member %(n)s: unknown sex %(value)s (choose %(choices)s or leave empty).")
                % {
                    "n": index,
                    "value": member.sex,
                    "choices": ", ".join(Person.Sex.values),
                },
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
    same_holder = PlacementCase.objects.filter(
        reference=data.reference,
        regional_authority=holder["regional_authority"],
        reception_centre=holder.get("reception_centre"),
    )
    if same_holder.exists():  # only within the actor's own register (see the constraints)
        raise ValidationError({"reference": [_("A case with this reference already exists.")]})
    try:
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
    except IntegrityError:  # the same reference, saved by someone else a moment ago
        raise ValidationError(
            {"reference": [_("A case with this reference already exists.")]}
        ) from None
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
    agreement_id: int | None = None,
) -> PlacementAgreement:
    """Create a municipality's agreement, or revise one (a new version of the same agreement).

    A municipality has one agreement for any day: a new agreement whose period overlaps an
    existing one is refused (a PostgreSQL exclusion constraint backs this up), except that the
    same municipality and start date revises that agreement, as does `agreement_id`, which
    may also move its dates. Places are never cut below what is already proposed, accepted or
    arrived, and a revision cannot end the period before a year whose places are in use.
    """
    require(actor, Op.AGREEMENT_MANAGE)
    errors: dict[str, list[str]] = {}
    municipality = Municipality.objects.filter(code=municipality_code).first()
    if municipality is None or not _authority_serves(actor, municipality):
        errors["municipality"] = [_("Not a municipality in your area.")]
    if valid_until and valid_until < valid_from:
        errors["valid_until"] = [_("The end date is before the start date.")]
    if document is not None:
        problem = pdf_problem(document, max_bytes=MAX_DOCUMENT_BYTES)
        if problem:
            errors["document"] = [problem]
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
        agreement = _agreement_to_save(actor, municipality, valid_from, valid_until, agreement_id)
        if agreement.pk is not None:
            agreement.version += 1
            _drop_years_outside(agreement, valid_from, valid_until)
        agreement.valid_from = valid_from
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


def _period(valid_from: dt.date, valid_until: dt.date | None) -> str:
    def day(d: dt.date) -> str:
        return f"{d.day}.{d.month}.{d.year}"

    return f"{day(valid_from)}–{day(valid_until)}" if valid_until else f"{day(valid_from)}–"


def _agreement_to_save(
    actor: Actor,
    municipality: Municipality,
    valid_from: dt.date,
    valid_until: dt.date | None,
    agreement_id: int | None,
) -> PlacementAgreement:
    """The agreement this save revises (locked), or a new unsaved one; refuses a period that
    overlaps another agreement of the municipality. Locking all of the municipality's
    agreements serialises two saves for it (SQLite serialises every write anyway)."""
    mine = list(
        PlacementAgreement.objects.select_for_update()
        .filter(municipality=municipality)
        .order_by("valid_from")
    )
    if agreement_id is not None:
        target = next((a for a in mine if a.pk == agreement_id), None)
        if target is None:
            raise ValidationError({"agreement": [_("No such agreement of this municipality.")]})
    else:
        target = next((a for a in mine if a.valid_from == valid_from), None)
    end = valid_until or dt.date.max
    for other in mine:
        if other is target:
            continue
        if other.valid_from <= end and valid_from <= (other.valid_until or dt.date.max):
            raise ValidationError(
                {
                    "valid_from": [
                        _(
                            "The period overlaps the municipality's agreement %(period)s: "
                            "revise that agreement, or end it before this one starts."
                        )
                        % {"period": _period(other.valid_from, other.valid_until)}
                    ]
                }
            )
    return target or PlacementAgreement(
        municipality=municipality, regional_authority=actor.organisation
    )


def _drop_years_outside(
    agreement: PlacementAgreement, valid_from: dt.date, valid_until: dt.date | None
) -> None:
    """A revision that shortens the period drops the years it no longer covers, unless their
    places are in use (then it is refused: the places cannot disappear under a placement)."""
    last = valid_until.year if valid_until else 9999
    outside = [
        y for y in agreement.years.select_for_update() if not valid_from.year <= y.year <= last
    ]
    if not outside:
        return
    usage = usage_by_year(outside)
    used = [y.year for y in outside if any(usage[y.pk].used(d) for d in DIMENSIONS)]
    if used:
        raise ValidationError(
            {
                "valid_until": [
                    _("%(years)s would fall outside the agreement, but places are in use.")
                    % {"years": ", ".join(str(y) for y in used)}
                ]
            }
        )
    AgreementYear.objects.filter(pk__in=[y.pk for y in outside]).delete()


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


#: the group under the Integration Act that a case's kind suggests (the form can change it)
DEFAULT_GROUP = {
    PlacementCase.Kind.QUOTA: IntegrationClient.Group.QUOTA_REFUGEE,
    PlacementCase.Kind.RECEPTION: IntegrationClient.Group.INTERNATIONAL_PROTECTION,
}


def arrival_record(
    *,
    actor: Actor,
    proposal_id,
    arrived_on: dt.date,
    first_residence_date: dt.date | None = None,
    residence_permit_on: dt.date | None = None,
    group: str = "",
) -> Arrival:
    """The municipality records arrival: each member with a person record becomes its
    integration client, with the dates that drive the deadlines and the compensation (the
    first municipality of residence, when the Population Information System has registered
    it: not guessed from the arrival) and the group under the Integration Act (by default
    from the case's kind)."""
    require(actor, Op.ARRIVAL_RECORD)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    for name, value in (
        ("arrived_on", arrived_on),
        ("first_residence_date", first_residence_date),
        ("residence_permit_on", residence_permit_on),
    ):
        if value and value > today:
            errors[name] = [_("The date cannot be in the future.")]
    if residence_permit_on and first_residence_date and first_residence_date < residence_permit_on:
        errors.setdefault("first_residence_date", []).append(
            _("The first municipality of residence cannot be before the first residence permit.")
        )
    if group and group not in IntegrationClient.Group.values:
        errors["group"] = [_("Unknown value %(value)s.") % {"value": group}]
    if errors:
        raise ValidationError(errors)
    with _locked_proposal(actor, proposal_id, "arrival") as proposal:
        case = PlacementCase.objects.select_for_update().get(pk=proposal.case_id)
        next_status = workflow.check(Action.RECORD_ARRIVAL, case, proposal)
        arrival = Arrival.objects.create(
            case=case,
            proposal=proposal,
            municipality=proposal.municipality,
            arrived_on=arrived_on,
            first_residence_date=first_residence_date,
            residence_permit_on=residence_permit_on,
            group=group or DEFAULT_GROUP[case.kind],
            recorded_by=actor.user.get_username(),
        )
        _start_integration(actor, case, proposal.municipality, arrival, "arrival")
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


@dataclass
class MemberIdentity:
    """The identity of one case member, from the personal data form."""

    member_id: int
    person: people_services.FamilyMember


def case_identities_record(
    *, actor: Actor, case_id, identities: list[MemberIdentity]
) -> list[Person]:
    """Enter the identities of an accepted case's members (regional authority; or the
    municipality on arrival): each becomes a person record linked to its case member, the
    family one household with the relations (the first member given is its head).

    The persons go to the municipality that accepted the case, and, if the case has arrived,
    become its integration clients, all through the owning apps' services, in one
    transaction: a family is entered whole or not at all. Checks that audit (duplicates
    outside the actor's scope) run before the transaction.
    """
    require(actor, Op.CASE_IDENTITIES_RECORD)
    require(actor, Op.PERSON_CREATE)
    case_pk = in_scope_or_404(
        PlacementCase.objects.for_actor(actor).values_list("pk", flat=True),
        case_id,
        actor=actor,
        object_type=CASE,
        purpose="identities",
        not_found=CaseNotFound,
    )
    open_members = dict(
        CaseMember.objects.filter(case_id=case_pk, person__isnull=True).values_list("pk", "pk")
    )
    unknown = [i.member_id for i in identities if i.member_id not in open_members]
    if unknown or len({i.member_id for i in identities}) != len(identities):
        raise ValidationError(
            {"members": [_("Give each member without a person record once, and only those.")]}
        )
    family = people_services.family_prepare(actor=actor, members=[i.person for i in identities])
    with _locked_case(actor, case_id, "identities") as case:
        workflow.check(Action.RECORD_IDENTITIES, case)
        persons = people_services.family_register(
            actor=actor, family=family, is_synthetic=case.is_synthetic
        )
        for identity, person in zip(identities, persons, strict=True):
            CaseMember.objects.filter(pk=identity.member_id, person__isnull=True).update(
                person=person
            )
        proposal = case.proposals.filter(status=Proposal.Status.ACCEPTED).first()
        person_ids = [p.pk for p in persons]
        detail = {"case": str(case.pk)}
        if proposal is not None:
            people_services.persons_move_to_municipality(
                actor=actor,
                person_ids=person_ids,
                municipality=proposal.municipality,
                reason="proposal_accepted",
                detail=detail,
            )
        arrival = Arrival.objects.filter(case=case).first()
        if arrival is not None:
            _receive(actor, person_ids, arrival.municipality, arrival, "identities_after_arrival")
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=CASE,
            object_id=case.pk,
            subject_ids=person_ids,
            fields=["members.person"],
        )
    return persons


def _start_integration(
    actor: Actor, case: PlacementCase, municipality: Municipality, arrival: Arrival, reason: str
) -> None:
    """The members with a person record move to the municipality and become its integration
    clients (through the owning apps' services, which audit each person)."""
    person_ids = case.person_ids()
    people_services.persons_move_to_municipality(
        actor=actor,
        person_ids=person_ids,
        municipality=municipality,
        reason=reason,
        detail={"case": str(case.pk)},
    )
    _receive(actor, person_ids, municipality, arrival, reason)


def _receive(actor: Actor, person_ids, municipality: Municipality, arrival: Arrival, reason: str):
    integration_services.client_receive(
        actor=actor,
        person_ids=person_ids,
        municipality=municipality,
        received_on=arrival.arrived_on,
        first_residence_date=arrival.first_residence_date,
        residence_permit_on=arrival.residence_permit_on,
        group=arrival.group,
        reason=reason,
    )


MOVE = "placement.MoveNotice"
#: Identity lookups a user may try per hour when reporting self-arranged moves (a lookup by
#: identity code and date of birth must not be open to guessing; each try is audited too).
MOVE_LOOKUPS_PER_HOUR = 10


def _count_move_lookup(actor: Actor) -> None:
    """Count one lookup against the user's hourly limit (shared by every process through
    Django's cache); refuse when the limit is used up."""
    key = f"kotopaikka:move-lookups:{actor.user.pk}"
    limit = getattr(settings, "MOVE_LOOKUPS_PER_HOUR", MOVE_LOOKUPS_PER_HOUR)
    cache.add(key, 0, timeout=3600)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        used = 1
    if used > limit:
        raise TooManyAttempts(
            _("Too many lookups: at most %(limit)s an hour. Try again later.") % {"limit": limit}
        )


def _movable_case_of(person) -> PlacementCase | None:
    if person is None:
        return None
    member = (
        CaseMember.objects.filter(
            person=person, case__status__in=workflow.CASE_TRANSITIONS[Action.CONFIRM_MOVE][0]
        )
        .select_related("case")
        .first()
    )
    return member.case if member else None


def self_move_report(
    *, actor: Actor, identity_code: str, date_of_birth: dt.date, moved_on: dt.date
) -> MoveNotice:
    """A municipality reports that a person of a waiting case moved there on their own.

    The person is identified by what only the mover has: the identity code and the date of
    birth must both match one person of a waiting or proposed case. No match, a mismatch and
    a person of no such case all get the same answer; every attempt is audited (a refused one
    naming the person whose code was tried) and counted against the user's hourly limit.
    The result is a notice to the regional authority holding the case, which resolves it
    (`move_notice_resolve`); nothing of the case changes here.
    """
    require(actor, Op.SELF_MOVE_RECORD)
    municipality = actor.organisation.municipality
    if moved_on > timezone.localdate():
        raise ValidationError({"moved_on": [_("The date cannot be in the future.")]})
    _count_move_lookup(actor)
    try:
        person = person_by_identity_code(identity_code)
    except InvalidIdentifier as exc:
        raise ValidationError({"identity_code": [exc.reason]}) from None
    case = _movable_case_of(person) if person and person.date_of_birth == date_of_birth else None
    if case is None or person.municipality_id == municipality.pk:
        record_denial(
            actor=actor,
            object_type=MOVE,
            object_id="",
            purpose="self_move_report",
            person_id=person.pk if person else None,
        )
        raise ValidationError(
            _(
                "No person of a case waiting for a municipality has this identity code and "
                "date of birth."
            ),
            code="no_match",
        )
    with transaction.atomic():
        notice, created = MoveNotice.objects.get_or_create(
            case=case,
            municipality=municipality,
            status=MoveNotice.Status.OPEN,
            defaults={
                "person": person,
                "moved_on": moved_on,
                "reported_by": actor.user.get_username(),
            },
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE if created else AuditEvent.Action.READ,
            object_type=MOVE,
            object_id=notice.pk,
            person_id=person.pk,
            detail={"case": str(case.pk), "moved_on": moved_on.isoformat()},
        )
    return notice


def move_notice_resolve(*, actor: Actor, notice_id, confirm: bool, note: str = "") -> MoveNotice:
    """The regional authority holding the case confirms or rejects a move notice.

    Confirming records the self-arranged move (counted against the municipality's places,
    flagged where it goes over: the move happened), withdraws a pending proposal to another
    municipality, rejects the case's other open notices, and moves the persons to the
    municipality as its integration clients, all in one transaction.
    """
    require(actor, Op.SELF_MOVE_RESOLVE)
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError(
            {
                "note": [
                    _("The note can be at most %(limit)s characters (it has %(length)s).")
                    % {"limit": MAX_NOTE_LENGTH, "length": len(note)}
                ]
            }
        )
    with locked_in_scope(
        MoveNotice.objects.for_actor(actor),
        notice_id,
        actor=actor,
        object_type=MOVE,
        purpose="resolve",
        not_found=MoveNoticeNotFound,
        select_related=("case", "municipality"),
    ) as notice:
        if notice.status != MoveNotice.Status.OPEN:
            raise ValidationError(
                {
                    "notice": [
                        _("This notice has already been %(status)s.")
                        % {"status": notice.get_status_display()}
                    ]
                }
            )
        case = PlacementCase.objects.select_for_update().get(pk=notice.case_id)
        persons = case.person_ids()
        if confirm:
            case.status = workflow.check(Action.CONFIRM_MOVE, case)
            _confirm_move(actor, case, notice)
            case.save(update_fields=["status", "updated_at"])
        notice.status = MoveNotice.Status.CONFIRMED if confirm else MoveNotice.Status.REJECTED
        notice.resolved_by = actor.user.get_username()
        notice.resolved_at = timezone.now()
        notice.resolution_note = note
        notice.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=MOVE,
            object_id=notice.pk,
            person_id=notice.person_id,
            subject_ids=persons,
            fields=["status"],
            detail={"decision": notice.status, "case": str(case.pk)},
        )
    return notice


def _confirm_move(actor: Actor, case: PlacementCase, notice: MoveNotice) -> SelfArrangedMove:
    for proposal in case.proposals.select_for_update().filter(status=Proposal.Status.PENDING):
        proposal.status = workflow.proposal_after(Action.WITHDRAW)
        proposal.save(update_fields=["status"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=PROPOSAL,
            object_id=proposal.pk,
            subject_ids=case.person_ids(),
            fields=["status"],
            detail={"decision": "withdrawn", "reason": "self_arranged_move"},
        )
    others = case.move_notices.select_for_update().filter(status=MoveNotice.Status.OPEN)
    for other in others.exclude(pk=notice.pk):  # another municipality reported it too
        other.status = MoveNotice.Status.REJECTED
        other.resolved_by = actor.user.get_username()
        other.resolved_at = timezone.now()
        other.save(update_fields=["status", "resolved_by", "resolved_at"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=MOVE,
            object_id=other.pk,
            person_id=other.person_id,
            fields=["status"],
            detail={"decision": other.status, "reason": "another notice confirmed"},
        )
    year = agreement_year_for(notice.municipality, notice.moved_on)
    demand = case.demand()
    exceeded: list[str] = []
    if year is not None:
        year, usage = lock_usage(year.pk)
        exceeded = usage.exceeded_by(demand)
    move = SelfArrangedMove.objects.create(
        case=case,
        municipality=notice.municipality,
        agreement_year=year,
        moved_on=notice.moved_on,
        demand=demand,
        exceeded=exceeded,
        recorded_by=actor.user.get_username(),
    )
    moved_in = Arrival(  # the facts a self-arranged move gives integration services
        arrived_on=notice.moved_on, group=IntegrationClient.Group.INTERNATIONAL_PROTECTION
    )
    _start_integration(actor, case, notice.municipality, moved_in, "self_arranged_move")
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="placement.SelfArrangedMove",
        object_id=move.pk,
        subject_ids=case.person_ids(),
        detail={"case": str(case.pk), "exceeded": exceeded},
    )
    return move


# --- merge of duplicate person records -------------------------------------------------------


def persons_repoint(
    *, actor: Actor, from_person_id, to_person_id, moved: dict | None = None
) -> dict:
    """Placement's merge handler (`people.merging`, registered in `PlacementConfig.ready`):
    the case membership and the move notices of `from_person_id` now name `to_person_id`.

    With `moved=None` (a merge) every such row moves; a person is a member of one case only,
    so the merge is refused when both are. Undoing a merge passes what this returned then,
    and exactly those rows move back. Runs in the merge's transaction; each case whose
    member changed gets an audit event naming both persons.
    """
    from kotopaikka.people.merging import PersonMergeRefused

    if moved is None:
        members = list(
            CaseMember.objects.filter(person_id=from_person_id).values_list("pk", flat=True)
        )
        if members and CaseMember.objects.filter(person_id=to_person_id).exists():
            raise PersonMergeRefused(
                [
                    _(
                        "Both records are members of a placement case. Resolve the cases with "
                        "the regional authority before merging the records."
                    )
                ]
            )
        notices = [
            str(pk)
            for pk in MoveNotice.objects.filter(person_id=from_person_id).values_list(
                "pk", flat=True
            )
        ]
    else:
        members = list(moved.get("case_members", []))
        notices = list(moved.get("move_notices", []))
    rows = CaseMember.objects.filter(pk__in=members, person_id=from_person_id)
    cases = sorted(set(rows.values_list("case_id", flat=True)), key=str)
    rows.update(person_id=to_person_id)
    MoveNotice.objects.filter(pk__in=notices, person_id=from_person_id).update(
        person_id=to_person_id
    )
    for case_id in cases:
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=CASE,
            object_id=case_id,
            person_id=to_person_id,
            subject_ids=[from_person_id, to_person_id],
            fields=["members.person"],
            detail={"reason": "person_merge" if moved is None else "person_unmerge"},
        )
    return {"case_members": members, "move_notices": notices}
