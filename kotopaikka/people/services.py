"""Changes to personal data. Each runs in one transaction and writes an audit event and, where a
case worker would want to see it, a timeline event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.access.scope import in_scope_or_404, locked_in_scope
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core import crypto
from kotopaikka.core.errors import ConflictError
from kotopaikka.registry.models import Municipality, Organisation

from .errors import PersonNotFound
from .identifiers import InvalidIdentifier, NormalisedIdentifier, hetu_birth_date, normalise
from .models import (
    Household,
    HouseholdMember,
    Person,
    PersonEvent,
    PersonIdentifier,
    PersonLanguage,
    PersonName,
    PersonNationality,
)
from .selectors import OBJECT_TYPE, DuplicateMatch, find_duplicates, identifier_holder
from .validators import normalise_country, normalise_language


@dataclass
class PersonData:
    """Everything a person form or API call can set. Lists replace what was stored."""

    given_names: str = ""
    family_name: str = ""
    date_of_birth: dt.date | None = None
    birth_date_precision: str = Person.BirthDatePrecision.DAY
    sex: str = ""
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (kind, value)
    nationalities: list[str] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)  # (code, level)
    other_names: list[tuple[str, str]] = field(default_factory=list)  # (value, script)

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in dataclass_fields(cls)]

    @classmethod
    def from_person(cls, person: Person) -> PersonData:
        return cls(
            given_names=person.given_names,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            birth_date_precision=person.birth_date_precision,
            sex=person.sex,
            identifiers=sorted((i.kind, i.value) for i in person.identifiers.all()),
            nationalities=sorted(n.country for n in person.nationalities.all()),
            languages=sorted((lang.language, lang.level) for lang in person.languages.all()),
            other_names=sorted((n.value, n.script) for n in person.other_names.all()),
        )


class DuplicatePersonWarning(ConflictError):
    """Possible duplicates found; the caller may confirm and save anyway (not for identity codes)."""

    conflict_code = "possible_duplicate"

    def __init__(self, matches: list[DuplicateMatch]):
        super().__init__(
            _("A person with a similar name and the same date of birth may already exist.")
        )
        self.matches = matches

    def payload(self) -> dict:
        return {
            "matches": [
                {"reason": m.reason, "person": str(m.person.pk) if m.person else None}
                for m in self.matches
            ]
        }


@dataclass(frozen=True)
class _Clean:
    data: PersonData
    identifiers: list[NormalisedIdentifier]


def _clean(data: PersonData) -> _Clean:
    """Validate every field, collecting all errors by field name, before anything is written."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    given, family = data.given_names.strip(), data.family_name.strip()
    if not given:
        add("given_names", _("Given names are required."))
    if not family:
        add("family_name", _("Family name is required."))
    if data.sex not in ("", *Person.Sex.values):
        add("sex", _("Unknown value %(value)s.") % {"value": data.sex})
    if data.birth_date_precision not in Person.BirthDatePrecision.values:
        add(
            "birth_date_precision",
            _("Unknown value %(value)s.") % {"value": data.birth_date_precision},
        )
    dob = data.date_of_birth
    if dob and dob > dt.date.today():
        add("date_of_birth", _("The date of birth cannot be in the future."))
    if dob and dob.year < 1900:
        add("date_of_birth", _("The date of birth cannot be before 1900."))
    if dob and data.birth_date_precision == Person.BirthDatePrecision.YEAR:
        dob = dt.date(dob.year, 1, 1)
    elif dob and data.birth_date_precision == Person.BirthDatePrecision.MONTH:
        dob = dt.date(dob.year, dob.month, 1)

    identifiers: list[NormalisedIdentifier] = []
    seen_kinds: set[str] = set()
    for kind, value in data.identifiers:
        if not (value or "").strip():
            continue
        try:
            ident = normalise(kind, value)
        except InvalidIdentifier as exc:
            add(f"identifiers.{kind}", exc.reason)
            continue
        if kind in seen_kinds:
            add(f"identifiers.{kind}", _("Only one identifier of each type."))
        seen_kinds.add(kind)
        identifiers.append(ident)
        if (
            kind == "hetu"
            and dob
            and data.birth_date_precision == Person.BirthDatePrecision.DAY
            and hetu_birth_date(ident.value) != dob
        ):
            add("identifiers.hetu", _("The identity code does not match the date of birth."))

    nationalities: list[str] = []
    for code in data.nationalities:
        try:
            nationalities.append(normalise_country(code))
        except ValidationError as exc:
            add("nationalities", exc.messages[0])
    languages: list[tuple[str, str]] = []
    for code, level in data.languages:
        try:
            languages.append((normalise_language(code), level or PersonLanguage.Level.GOOD))
        except ValidationError as exc:
            add("languages", exc.messages[0])
        if level and level not in PersonLanguage.Level.values:
            add("languages", _("Unknown value %(value)s.") % {"value": level})
    other_names = [(v.strip(), s.strip()) for v, s in data.other_names if v.strip()]

    if errors:
        raise ValidationError(errors)
    clean = PersonData(
        given_names=given,
        family_name=family,
        date_of_birth=dob,
        birth_date_precision=data.birth_date_precision,
        sex=data.sex,
        identifiers=[(i.kind, i.value) for i in identifiers],
        nationalities=sorted(set(nationalities)),
        languages=sorted(dict(languages).items()),
        other_names=other_names,
    )
    return _Clean(clean, identifiers)


def _write_children(person: Person, clean: _Clean, changed: set[str]) -> None:
    if "identifiers" in changed:
        person.identifiers.all().delete()
        for ident in clean.identifiers:
            PersonIdentifier.objects.create(
                person=person,
                kind=ident.kind,
                value_encrypted=crypto.encrypt(ident.value),
                lookup_hash=PersonIdentifier.hash_for(ident.kind, ident.value),
                is_temporary=ident.is_temporary,
            )
    if "nationalities" in changed:
        person.nationalities.all().delete()
        PersonNationality.objects.bulk_create(
            PersonNationality(person=person, country=c) for c in clean.data.nationalities
        )
    if "languages" in changed:
        person.languages.all().delete()
        PersonLanguage.objects.bulk_create(
            PersonLanguage(person=person, language=code, level=level)
            for code, level in clean.data.languages
        )
    if "other_names" in changed:
        person.other_names.all().delete()
        PersonName.objects.bulk_create(
            PersonName(
                person=person, value=value, script=script, value_key=PersonName.key_for(value)
            )
            for value, script in clean.data.other_names
        )


def _raise_identifier_taken(actor: Actor, clean: _Clean, exclude: uuid.UUID | None) -> None:
    """Identifiers are unique in the whole register (not only in the actor's scope). A holder
    in the actor's scope is named as such; one outside it is not described at all (and the
    match is audited by the selector): the answer says only that the person may already be
    registered and how to ask for the record. Call it outside the change's transaction."""
    for kind, value in clean.data.identifiers:
        holder, visible = identifier_holder(actor=actor, kind=kind, value=value, exclude_id=exclude)
        if holder is None:
            continue
        message = (
            _("A person with this identifier is already registered.")
            if visible
            else HIDDEN_DUPLICATE_MESSAGE
        )
        raise ValidationError({f"identifiers.{kind}": [message]})


#: What a duplicate outside the actor's scope is answered with: no name, no organisation.
HIDDEN_DUPLICATE_MESSAGE = gettext_lazy(
    "This person may already be registered in Kotopaikka. Do not register them again: ask "
    "your regional authority (elinvoimakeskus) to check the register and transfer the "
    "record to you."
)


def _identifier_taken_now(clean: _Clean, exclude: uuid.UUID) -> bool:
    """Under the lock: did someone take one of the identifiers since the audited check?"""
    return any(
        PersonIdentifier.objects.filter(kind=k, lookup_hash=PersonIdentifier.hash_for(k, v))
        .exclude(person_id=exclude)
        .exists()
        for k, v in clean.data.identifiers
    )


def _timeline(person: Person, actor: Actor, kind: str, changed: list[str] = ()) -> None:
    PersonEvent.objects.create(
        person=person,
        kind=kind,
        actor_username=actor.user.get_username(),
        organisation=actor.organisation,
        fields=list(changed),
    )


def _case_holder(actor: Actor) -> dict:
    """A new person's case starts with the organisation that registered it."""
    org = actor.organisation
    if org.kind == Organisation.Kind.MUNICIPALITY:
        return {"municipality_id": org.municipality_id}
    if org.kind == Organisation.Kind.REGIONAL_AUTHORITY:
        return {"regional_authority": org}
    if org.kind == Organisation.Kind.RECEPTION_CENTRE:
        return {"reception_centre": org}
    raise ValidationError(_("Your organisation cannot register persons."))


def _check_new(actor: Actor, data: PersonData, confirm_possible_duplicate: bool) -> _Clean:
    """Everything a new person must pass before anything is written: validation by field, the
    identifier register (refused), the name-and-birth-date duplicates (a warning unless
    confirmed). Runs outside the change's transaction: a match outside the actor's scope is
    audited, and that event must survive the refusal."""
    clean = _clean(data)
    _raise_identifier_taken(actor, clean, exclude=None)
    if not confirm_possible_duplicate:
        matches = find_duplicates(
            actor=actor,
            given_names=clean.data.given_names,
            family_name=clean.data.family_name,
            date_of_birth=clean.data.date_of_birth,
            other_names=[value for value, _script in clean.data.other_names],
        )
        if matches:
            raise DuplicatePersonWarning(matches)
    return clean


def _insert(actor: Actor, clean: _Clean, holder: dict, is_synthetic: bool) -> Person:
    """Write a checked person, with identifiers, names and languages, timeline and audit."""
    person = Person.objects.create(
        given_names=clean.data.given_names,
        family_name=clean.data.family_name,
        date_of_birth=clean.data.date_of_birth,
        birth_date_precision=clean.data.birth_date_precision,
        sex=clean.data.sex,
        is_synthetic=is_synthetic,
        **holder,
    )
    written = {name for name in PersonData.field_names() if getattr(clean.data, name)}
    try:
        with transaction.atomic():
            _write_children(person, clean, written)
    except IntegrityError as exc:  # a concurrent registration took the identifier
        raise ValidationError(
            {"identifiers": [_("A person with this identifier is already registered.")]}
        ) from exc
    _timeline(person, actor, PersonEvent.Kind.REGISTERED)
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type=OBJECT_TYPE,
        object_id=person.pk,
        person_id=person.pk,
        fields=sorted(written | {name.removesuffix("_id") for name in holder}),
    )
    return person


def person_create(
    *,
    actor: Actor,
    data: PersonData,
    confirm_possible_duplicate: bool = False,
    is_synthetic: bool = False,
) -> Person:
    """Register a person. Identity-code duplicates are refused; name-and-date duplicates warn."""
    require(actor, Op.PERSON_CREATE)
    clean = _check_new(actor, data, confirm_possible_duplicate)
    holder = _case_holder(actor)
    with transaction.atomic():
        return _insert(actor, clean, holder, is_synthetic)


@dataclass
class FamilyMember:
    """One member of a family being registered together; `relation` is the member's relation
    to the first member (the head of the household), ignored for the head."""

    data: PersonData
    relation: str = HouseholdMember.Relation.OTHER
    confirm_possible_duplicate: bool = False


@dataclass(frozen=True)
class PreparedFamily:
    """A family that passed every check (`family_prepare`), ready to be written."""

    members: list[tuple[_Clean, str]]
    holder: dict


class FamilyDuplicatesWarning(ConflictError):
    """Some members may already be registered; per member index, the matches (confirm each
    member that is a different person and save again)."""

    conflict_code = "possible_duplicate"

    def __init__(self, matches: dict[int, list[DuplicateMatch]]):
        super().__init__(_("Some family members may already be registered."))
        self.matches = matches

    def payload(self) -> dict:
        return {
            "members": {
                str(index): [
                    {"reason": m.reason, "person": str(m.person.pk) if m.person else None}
                    for m in found
                ]
                for index, found in self.matches.items()
            }
        }


def family_prepare(*, actor: Actor, members: list[FamilyMember]) -> PreparedFamily:
    """Check a whole family before any of it is written: every member's fields (errors keyed
    `members.<n>.<field>`, n from 1), identifiers unique in the register and among the members,
    relations in their list, a child not born before the head, and name-and-birth-date
    duplicates (one warning for the family). Call it outside the writing transaction: it
    audits matches outside the actor's scope."""
    require(actor, Op.PERSON_CREATE)
    errors: dict[str, list[str]] = {}
    duplicates: dict[int, list[DuplicateMatch]] = {}
    checked: list[tuple[_Clean, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, member in enumerate(members, start=1):
        prefix = f"members.{number}."
        if number > 1 and member.relation not in HouseholdMember.Relation.values:
            errors.setdefault(prefix + "relation", []).append(
                _("Unknown value %(value)s.") % {"value": member.relation}
            )
        try:
            clean = _check_new(actor, member.data, member.confirm_possible_duplicate)
        except DuplicatePersonWarning as warning:
            duplicates[number] = warning.matches
            clean = _clean(member.data)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(prefix + key, []).extend(messages)
            continue
        for identifier in clean.data.identifiers:
            if identifier in seen:
                errors.setdefault(f"{prefix}identifiers.{identifier[0]}", []).append(
                    _("The same identifier as member %(n)s.") % {"n": seen[identifier]}
                )
            seen.setdefault(identifier, number)
        checked.append((clean, member.relation if number > 1 else HouseholdMember.Relation.HEAD))
    if not members:
        errors["members"] = [_("A family has at least one member.")]
    if errors:
        raise ValidationError(errors)
    if duplicates:
        raise FamilyDuplicatesWarning(duplicates)
    return PreparedFamily(checked, _case_holder(actor))


def family_register(
    *, actor: Actor, family: PreparedFamily, is_synthetic: bool = False
) -> list[Person]:
    """Write a prepared family: each member a person record (audited), and one household with
    the relations. Runs inside the caller's transaction (placement's identity entry)."""
    with transaction.atomic():
        persons = [
            _insert(actor, clean, family.holder, is_synthetic) for clean, _rel in family.members
        ]
        if len(persons) > 1:
            household = Household.objects.create()
            for person, (_clean_data, relation) in zip(persons, family.members, strict=True):
                if relation in (
                    HouseholdMember.Relation.CHILD,
                    HouseholdMember.Relation.PARENT,
                    HouseholdMember.Relation.GRANDCHILD,
                ):
                    _check_generations(persons[0], person, relation)
                HouseholdMember.objects.create(
                    household=household, person=person, relation=relation
                )
                _timeline(person, actor, PersonEvent.Kind.HOUSEHOLD_JOINED)
                record_event(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    object_type=OBJECT_TYPE,
                    object_id=person.pk,
                    person_id=person.pk,
                    fields=["household"],
                    detail={"household": str(household.pk), "relation": relation},
                )
        return persons


def _locked(actor: Actor, person_id: uuid.UUID | str, purpose: str):
    """Check that the person is in the actor's scope, then lock the row for the change
    (`access.scope.locked_in_scope`: a refusal is an audited 404, committed even though the
    change is not)."""
    return locked_in_scope(
        Person.objects.for_actor(actor),
        person_id,
        actor=actor,
        object_type=OBJECT_TYPE,
        purpose=purpose,
        not_found=PersonNotFound,
        person=True,
    )


def person_update(*, actor: Actor, person_id: uuid.UUID | str, changes: dict) -> Person:
    """Change some fields of a person in scope; the audit event names the fields that changed."""
    require(actor, Op.PERSON_UPDATE)
    unknown = set(changes) - set(PersonData.field_names())
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    if "identifiers" in changes:
        # Checked before the change's transaction, so that a match outside the actor's scope
        # is audited even though the change is refused (and checked again under the lock).
        person = in_scope_or_404(
            Person.objects.for_actor(actor),
            person_id,
            actor=actor,
            object_type=OBJECT_TYPE,
            purpose="update",
            not_found=PersonNotFound,
            person=True,
        )
        current = PersonData.from_person(person)
        _raise_identifier_taken(
            actor, _clean(PersonData(**{**current.__dict__, **changes})), exclude=person.pk
        )
    with _locked(actor, person_id, "update") as person:
        current = PersonData.from_person(person)
        clean = _clean(PersonData(**{**current.__dict__, **changes}))
        changed = {
            name
            for name in PersonData.field_names()
            if getattr(clean.data, name) != getattr(current, name)
        }
        if not changed:
            return person
        if "identifiers" in changed and _identifier_taken_now(clean, person.pk):
            raise ValidationError(
                {"identifiers": [_("A person with this identifier is already registered.")]}
            )
        scalar = [
            n
            for n in ("given_names", "family_name", "date_of_birth", "birth_date_precision", "sex")
            if n in changed
        ]
        for name in scalar:
            setattr(person, name, getattr(clean.data, name))
        person.save(update_fields=[*scalar, "updated_at"])
        _write_children(person, clean, changed)
        _timeline(person, actor, PersonEvent.Kind.UPDATED, sorted(changed))
        # Which fields lost their value (names only, never the values): an edit that empties
        # a field is what `list_cleared_dates` puts before a person to review.
        cleared = sorted(n for n in changed if getattr(current, n) and not getattr(clean.data, n))
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=person.pk,
            person_id=person.pk,
            fields=sorted(changed),
            detail={"cleared": cleared},
        )
    return person


def person_delete(*, actor: Actor, person_id: uuid.UUID | str) -> None:
    """Delete a person and everything about them (supervisors; e.g. a record made in error)."""
    require(actor, Op.PERSON_DELETE)
    with _locked(actor, person_id, "delete") as person:
        pk = person.pk
        membership = (
            HouseholdMember.objects.filter(person=person).select_related("household").first()
        )
        person.delete()
        if membership and not membership.household.members.exists():
            membership.household.delete()
        record_event(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            object_type=OBJECT_TYPE,
            object_id=pk,
            person_id=pk,
            fields=["*"],
        )


def household_link(
    *, actor: Actor, person_id: uuid.UUID | str, relative_id: uuid.UUID | str, relation: str
) -> Household:
    """Put `relative` into `person`'s household (created if needed) with the given relation."""
    require(actor, Op.PERSON_UPDATE)
    if relation not in HouseholdMember.Relation.values:
        raise ValidationError({"relation": [_("Unknown value %(value)s.") % {"value": relation}]})
    in_scope = Person.objects.for_actor(actor).values_list("pk", flat=True)
    checks = {"object_type": OBJECT_TYPE, "purpose": "household", "not_found": PersonNotFound}
    # Both checked before the change's transaction (the person first), so either refusal's
    # audit event is kept.
    in_scope_or_404(in_scope, person_id, actor=actor, person=True, **checks)
    relative_pk = in_scope_or_404(in_scope, relative_id, actor=actor, person=True, **checks)
    with _locked(actor, person_id, "household") as person:
        relative = Person.objects.select_for_update().get(pk=relative_pk)
        if person.pk == relative.pk:
            raise ValidationError({"relative": [_("A person cannot be their own relative.")]})
        _check_generations(person, relative, relation)
        membership = (
            HouseholdMember.objects.filter(person=person).select_related("household").first()
        )
        if membership is None:
            household = Household.objects.create()
            HouseholdMember.objects.create(
                household=household, person=person, relation=HouseholdMember.Relation.HEAD
            )
        else:
            household = membership.household
        existing = HouseholdMember.objects.filter(person=relative).first()
        if existing and existing.household_id != household.pk:
            raise ValidationError(
                {"relative": [_("This person already belongs to another household.")]}
            )
        HouseholdMember.objects.update_or_create(
            person=relative, defaults={"household": household, "relation": relation}
        )
        _timeline(relative, actor, PersonEvent.Kind.HOUSEHOLD_JOINED)
        for subject in (person, relative):
            record_event(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                object_type=OBJECT_TYPE,
                object_id=subject.pk,
                person_id=subject.pk,
                fields=["household"],
                detail={"household": str(household.pk)},
            )
    return household


def _comparable_birth(person: Person):
    """The date of birth to compare generations by: only the year when that is all we know."""
    if person.date_of_birth is None:
        return None
    if person.birth_date_precision == Person.BirthDatePrecision.DAY:
        return person.date_of_birth
    return person.date_of_birth.year


def _check_generations(person: Person, relative: Person, relation: str) -> None:
    """A child cannot be born before their parent (`relation` is the relative's relation to
    `person`: `child` is younger, `parent` older). Unknown dates are not guessed at."""
    older, younger = {
        HouseholdMember.Relation.CHILD: (person, relative),
        HouseholdMember.Relation.GRANDCHILD: (person, relative),
        HouseholdMember.Relation.PARENT: (relative, person),
    }.get(relation, (None, None))
    if older is None:
        return
    a, b = _comparable_birth(older), _comparable_birth(younger)
    if a is None or b is None:
        return
    if isinstance(a, int) or isinstance(b, int):
        a = a if isinstance(a, int) else a.year
        b = b if isinstance(b, int) else b.year
        wrong = b < a
    else:
        wrong = b <= a
    if wrong:
        raise ValidationError(
            {"relation": [_("A child cannot be born before (or on the same day as) their parent.")]}
        )


def household_unlink(*, actor: Actor, person_id: uuid.UUID | str) -> None:
    """Take a person out of their household."""
    require(actor, Op.PERSON_UPDATE)
    with _locked(actor, person_id, "household") as person:
        membership = (
            HouseholdMember.objects.filter(person=person).select_related("household").first()
        )
        if membership is None:
            return
        household = membership.household
        membership.delete()
        if not household.members.exists():
            household.delete()
        _timeline(person, actor, PersonEvent.Kind.HOUSEHOLD_LEFT)
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=person.pk,
            person_id=person.pk,
            fields=["household"],
        )


def persons_move_to_municipality(
    *,
    actor: Actor,
    person_ids: list[uuid.UUID],
    municipality: Municipality,
    reason: str,
    detail: dict | None = None,
) -> list[Person]:
    """Give the persons' case to `municipality` (Person.municipality), for another app's
    workflow: placement's acceptance of a proposal, a confirmed self-arranged move.

    Called from inside the caller's transaction, after the caller has established the actor's
    right to do it (the proposal was to the actor's municipality, the officer holds the case):
    the persons are not in the receiving municipality's scope yet, which is what this
    changes, so no person scope is applied here. Each person gets a timeline entry and an
    audit event naming them, with `reason` (e.g. "proposal_accepted").
    """
    persons = list(Person.objects.select_for_update().filter(pk__in=person_ids).order_by("pk"))
    for person in persons:
        if person.municipality_id == municipality.pk:
            continue
        person.municipality = municipality
        person.save(update_fields=["municipality", "updated_at"])
        _timeline(person, actor, PersonEvent.Kind.MUNICIPALITY_CHANGED, ["municipality"])
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=person.pk,
            person_id=person.pk,
            fields=["municipality"],
            detail={"reason": reason, "municipality": municipality.code, **(detail or {})},
        )
    return persons
