"""Reads of personal data. Each applies the actor's scope and writes exactly one audit event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.access.scope import in_scope_or_404
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_denial, record_event

from . import fields
from .errors import PersonNotFound
from .identifiers import IdentifierKind, InvalidIdentifier, normalise
from .models import HouseholdMember, Person, PersonEvent, PersonIdentifier

OBJECT_TYPE = "people.Person"


def _detail_queryset() -> QuerySet[Person]:
    return Person.objects.select_related(
        "municipality", "regional_authority", "reception_centre"
    ).prefetch_related(
        "identifiers",
        "nationalities",
        "languages",
        "other_names",
        Prefetch("events", queryset=PersonEvent.objects.select_related("organisation")),
        Prefetch(
            "household_membership__household__members",
            queryset=HouseholdMember.objects.select_related("person"),
        ),
    )


def person_get(*, actor: Actor, person_id: uuid.UUID | str, purpose: str = "view") -> Person:
    """One person, if in the actor's scope; audited as a read (or as a refused attempt).

    Out-of-scope and non-existent persons look the same to the caller (PersonNotFound, a 404),
    but the attempt is audited with the id asked for.
    """
    require(actor, Op.PERSON_VIEW)
    person = in_scope_or_404(
        _detail_queryset().for_actor(actor),
        person_id,
        actor=actor,
        object_type=OBJECT_TYPE,
        purpose=purpose,
        not_found=PersonNotFound,
        person=True,
    )
    shown = fields.DETAIL_FIELDS[actor.person_view]
    person.relatives = household_of(actor, person) if "household" in shown else []
    record_event(
        actor=actor,
        action=AuditEvent.Action.READ,
        object_type=OBJECT_TYPE,
        object_id=person.pk,
        person_id=person.pk,
        subject_ids=[r.person.pk for r in person.relatives if r.person and r.person != person],
        fields=shown,
        detail={"purpose": purpose},
    )
    return person


@dataclass(frozen=True)
class Relative:
    """A member of a person's household as one viewer may see them: `person` is None for a
    member outside the viewer's scope, who is shown only as "a member in another
    municipality" (no name, no id, no date of birth)."""

    relation: str
    relation_label: str
    person: Person | None

    @property
    def in_scope(self) -> bool:
        return self.person is not None


def household_of(actor: Actor, person: Person) -> list[Relative]:
    """The household of `person` (the person included) as `actor` may see it. Every page,
    API answer and export that lists relatives takes them from here; the caller's audit event
    names the relatives shown (the read of the person already does)."""
    membership = getattr(person, "household_membership", None)
    if membership is None:
        return []
    return household_members(actor, membership.household)


def household_members(actor: Actor, household) -> list[Relative]:
    members = list(household.members.select_related("person"))
    visible = set(
        Person.objects.for_actor(actor)
        .filter(pk__in=[m.person_id for m in members])
        .values_list("pk", flat=True)
    )
    return [
        Relative(
            m.relation,
            str(m.get_relation_display()),
            m.person if m.person_id in visible else None,
        )
        for m in sorted(members, key=lambda m: (m.person_id not in visible, m.pk))
    ]


@dataclass(frozen=True)
class PersonPage:
    persons: list[Person]
    total: int


def _search_q(search: str) -> Q:
    """Exact identifier match (via keyed hash) or a name match."""
    term = search.strip()
    q = Q(family_name__icontains=term) | Q(given_names__icontains=term)
    for kind in IdentifierKind.values:
        try:
            normalised = normalise(kind, term)
        except InvalidIdentifier:
            continue
        q |= Q(
            identifiers__kind=kind,
            identifiers__lookup_hash=PersonIdentifier.hash_for(kind, normalised.value),
        )
    return q


def person_list(
    *, actor: Actor, search: str = "", limit: int = 50, offset: int = 0, purpose: str = "list"
) -> PersonPage:
    """A page of persons in scope; one LIST audit event names every person shown."""
    require(actor, Op.PERSON_LIST)
    queryset = Person.objects.for_actor(actor).select_related("municipality")
    if search.strip():
        queryset = queryset.filter(_search_q(search)).distinct()
    total = queryset.count()
    persons = list(queryset.order_by("family_name", "given_names", "id")[offset : offset + limit])
    record_event(
        actor=actor,
        action=AuditEvent.Action.EXPORT if purpose == "export" else AuditEvent.Action.LIST,
        object_type=OBJECT_TYPE,
        subject_ids=[p.pk for p in persons],
        fields=fields.LIST,
        detail={
            "search": bool(search.strip()),
            "count": len(persons),
            "total": total,
            "offset": offset,
        },
    )
    return PersonPage(persons, total)


@dataclass(frozen=True)
class PseudonymisedRow:
    pseudonym: str
    birth_year: int | None
    sex: str
    municipality_code: str
    nationalities: list[str]


def pseudonymised_person_list(
    *, actor: Actor, limit: int = 500, offset: int = 0
) -> list[PseudonymisedRow]:
    """The ministry's view: no names, no identifiers, no exact dates. Audited as a list."""
    require(actor, Op.PERSON_LIST_PSEUDONYMISED)
    persons = list(
        Person.objects.select_related("municipality")
        .prefetch_related("nationalities")
        .order_by("id")[offset : offset + limit]
    )
    rows = [
        PseudonymisedRow(
            pseudonym=p.pseudonym,
            birth_year=p.date_of_birth.year if p.date_of_birth else None,
            sex=p.sex,
            municipality_code=p.municipality.code if p.municipality else "",
            nationalities=sorted(n.country for n in p.nationalities.all()),
        )
        for p in persons
    ]
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type="people.Person:pseudonymised",
        subject_ids=[p.pk for p in persons],
        fields=fields.PSEUDONYMISED,
        detail={"count": len(rows)},
    )
    return rows


def person_access_log(
    *, actor: Actor, person_id: uuid.UUID | str
) -> tuple[Person, list[AuditEvent]]:
    """Who viewed or changed this person (supervisors). Reading it is audited too."""
    require(actor, Op.PERSON_VIEW_ACCESS_LOG)
    person = person_get(actor=actor, person_id=person_id, purpose="access_log")
    events = list(
        AuditEvent.objects.filter(
            Q(person_id=person.pk) | Q(subject_ids__contains=str(person.pk))
        ).order_by("-seq")[:500]
    )
    return person, events


@dataclass(frozen=True)
class DuplicateMatch:
    reason: str  # "name_and_birth_date" (identifier matches are refused before this check)
    person: Person | None  # None when the match is outside the actor's scope


def find_duplicates(
    *,
    actor: Actor,
    given_names: str,
    family_name: str,
    date_of_birth,
    exclude_id: uuid.UUID | None = None,
) -> list[DuplicateMatch]:
    """Persons that may be the same as the one being entered.

    Searches the whole register, because a duplicate in another municipality matters too, but
    reveals details only of matches inside the actor's scope.
    """
    matches: dict[uuid.UUID, str] = {}
    if date_of_birth and family_name.strip():
        same = Person.objects.filter(
            family_name__iexact=family_name.strip(),
            given_names__iexact=given_names.strip(),
            date_of_birth=date_of_birth,
        ).values_list("pk", flat=True)
        for person_id in same:
            matches.setdefault(person_id, "name_and_birth_date")
    matches.pop(exclude_id, None)
    if not matches:
        return []
    visible = {p.pk: p for p in Person.objects.for_actor(actor).filter(pk__in=matches)}
    for person_id in matches.keys() - visible.keys():
        _audit_hidden_match(actor, person_id, "name_and_birth_date")
    return [DuplicateMatch(reason, visible.get(pk)) for pk, reason in matches.items()]


def _audit_hidden_match(actor: Actor, person_id: uuid.UUID, reason: str) -> None:
    """A duplicate check matched a person outside the actor's scope: the answer reveals
    neither who nor where, but the match is recorded as a refused reach of that person, so
    that it shows in their access log. Called outside any change's transaction."""
    record_denial(
        actor=actor,
        object_type=OBJECT_TYPE,
        object_id=person_id,
        purpose="duplicate_check",
        person_id=person_id,
    )


def identifier_holder(
    *, actor: Actor, kind: str, value: str, exclude_id: uuid.UUID | None = None
) -> tuple[uuid.UUID | None, bool]:
    """Who holds this (normalised) identifier in the whole register, and whether the actor may
    see them: (None, False) when nobody does. Identifiers are unique in the register, so the
    check cannot be limited to the actor's scope; a holder outside it is audited (see
    `_audit_hidden_match`) and must not be described to the actor."""
    holder = (
        PersonIdentifier.objects.filter(
            kind=kind, lookup_hash=PersonIdentifier.hash_for(kind, value)
        )
        .exclude(person_id=exclude_id)
        .values_list("person_id", flat=True)
        .first()
    )
    if holder is None:
        return None, False
    visible = Person.objects.for_actor(actor).filter(pk=holder).exists()
    if not visible:
        _audit_hidden_match(actor, holder, "identifier")
    return holder, visible


def person_by_identity_code(identity_code: str) -> Person | None:
    """The person holding this identity code (or temporary identity code), whatever the
    actor's scope, for matching by something only the person has: a municipality identifying
    a person who moved there on their own. Raises `InvalidIdentifier` for a malformed code.

    Not audited here and never shown: the caller (placement's move report) audits the attempt
    naming the person, and answers the same for no person and for a mismatch.
    """
    normalised = normalise(IdentifierKind.HETU, identity_code)
    return (
        Person.objects.filter(
            identifiers__kind=IdentifierKind.HETU,
            identifiers__lookup_hash=PersonIdentifier.hash_for(
                IdentifierKind.HETU, normalised.value
            ),
        )
        .distinct()
        .first()
    )
