"""Reads of personal data. Each applies the actor's scope and writes exactly one audit event."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, replace

from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.access.scope import in_scope_or_404
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_denial, record_event
from kotopaikka.core.ids import as_uuid

from . import fields, names
from .errors import PersonNotFound
from .identifiers import IdentifierKind, InvalidIdentifier, normalise
from .models import HouseholdMember, Person, PersonEvent, PersonIdentifier, PersonMerge, PersonName
from .scope import LIVE

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


def person_checks(actor: Actor, purpose: str) -> dict:
    """The arguments of `in_scope_or_404` for reaching a person by the id a request gave."""
    return {
        "actor": actor,
        "object_type": OBJECT_TYPE,
        "purpose": purpose,
        "not_found": PersonNotFound,
        "person": True,
    }


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


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
#: The pg_trgm word similarity above which a name key is a candidate (PostgreSQL prefilter).
#: pg_trgm's default (0.6) would miss one letter changed in a five-letter name; at 0.3 a
#: name part within the matcher's edit budget always passes (it keeps at least half of its
#: trigrams), and the matcher decides.
WORD_SIMILARITY = 0.3


@dataclass(frozen=True)
class SearchTerms:
    """A search box's words sorted by what they are: name parts (keys), dates of birth and
    identifiers; a person must match every kind given."""

    name: list[str]
    dates: list[dt.date]
    identifiers: list[tuple[str, str]]  # (kind, lookup hash); a word may be several kinds
    identifier_words: int = 0
    bad_dates: int = 0

    @property
    def empty(self) -> bool:
        return not (self.name or self.dates or self.identifier_words or self.bad_dates)


def _as_date(word: str) -> dt.date | bool | None:
    """The date a word writes (2001-02-03 or 3.2.2001), False for a word that is no date, and
    None for one that looks like a date but is not one (31.2.2001)."""
    if match := _ISO_DATE.match(word):
        year, month, day = (int(g) for g in match.groups())
    elif match := _FINNISH_DATE.match(word):
        day, month, year = (int(g) for g in match.groups())
    else:
        return False
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_search(search: str) -> SearchTerms:
    """Split a search into name parts, dates of birth and exact identifiers."""
    name_words: list[str] = []
    dates: list[dt.date] = []
    identifiers: list[tuple[str, str]] = []
    identifier_words = bad_dates = 0
    for word in search.split():
        as_date = _as_date(word)
        if as_date is None:
            bad_dates += 1
            continue
        if as_date:
            dates.append(as_date)
            continue
        kinds = []
        for kind in IdentifierKind.values:
            try:
                normalised = normalise(kind, word)
            except InvalidIdentifier:
                continue
            kinds.append((kind, PersonIdentifier.hash_for(kind, normalised.value)))
        if kinds:
            identifiers += kinds
            identifier_words += 1
        else:
            name_words.append(word)
    name = names.tokens(names.normalise(" ".join(name_words)))
    return SearchTerms(name, dates, identifiers, identifier_words, bad_dates)


def _birth_q(dates: list[dt.date]) -> Q:
    """Born on one of the dates; a person whose date is known only to the month or year
    matches a date in that month or year (their date is stored as its first day)."""
    q = Q(pk__in=[])
    for day in dates:
        q |= Q(date_of_birth=day)
        q |= Q(
            birth_date_precision=Person.BirthDatePrecision.MONTH,
            date_of_birth=day.replace(day=1),
        )
        q |= Q(
            birth_date_precision=Person.BirthDatePrecision.YEAR,
            date_of_birth=dt.date(day.year, 1, 1),
        )
    return q


def _name_candidates(scoped: QuerySet[Person], query: list[str]) -> set[uuid.UUID]:
    """The persons whose name or other name may match: a cheap prefilter, the matcher
    (`names.score`) decides. On PostgreSQL the GIN trigram indexes on the name keys answer
    it (a word similar to a query part, or containing it); on SQLite, which has no trigram
    index, a key containing the first or the last two letters of a query part (one edit
    within the matcher's budget leaves one end of the part intact)."""
    own, other = Q(pk__in=[]), Q(pk__in=[])
    postgres = connection.vendor == "postgresql"
    for part in query:
        if postgres:
            own |= Q(name_key__trigram_word_similar=part) | Q(name_key__contains=part)
            other |= Q(value_key__trigram_word_similar=part) | Q(value_key__contains=part)
        else:
            for piece in {part[:2], part[-2:]}:
                own |= Q(name_key__contains=piece)
                other |= Q(value_key__contains=piece)

    def candidates() -> set[uuid.UUID]:
        found = set(scoped.filter(own).values_list("pk", flat=True))
        others = PersonName.objects.filter(other, person__in=scoped.values("pk"))
        return found | set(others.values_list("person_id", flat=True))

    if not postgres:  # no transaction: on SQLite it would take the write lock for a read
        return candidates()
    with transaction.atomic(), connection.cursor() as cursor:
        # for this transaction only (set_config's third argument): see WORD_SIMILARITY
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(WORD_SIMILARITY)],
        )
        return candidates()


def name_forms(person_ids) -> dict[uuid.UUID, list[list[str]]]:
    """Each person's name forms as key parts: the name, then the other names."""
    forms: dict[uuid.UUID, list[list[str]]] = {}
    for pk, key in Person.objects.filter(pk__in=person_ids).values_list("pk", "name_key"):
        forms.setdefault(pk, []).insert(0, names.tokens(key))
    for pk, key in PersonName.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "value_key"
    ):
        forms.setdefault(pk, []).append(names.tokens(key))
    return forms


def _ranked_by_name(scoped: QuerySet[Person], query: list[str]) -> list[uuid.UUID]:
    """The persons of `scoped` whose name (or another form of it) matches the query, the
    best matches first, then by name."""
    candidates = _name_candidates(scoped, query)
    forms = name_forms(candidates)
    scores = {
        pk: score
        for pk in candidates
        if (score := names.best_score(query, forms.get(pk, []), prefix=True)) > 0
    }
    order = dict(
        (pk, (family, given))
        for pk, family, given in Person.objects.filter(pk__in=scores).values_list(
            "pk", "family_name", "given_names"
        )
    )
    return sorted(scores, key=lambda pk: (-scores[pk], *order[pk], str(pk)))


def _search(queryset: QuerySet[Person], terms: SearchTerms) -> QuerySet[Person] | list[uuid.UUID]:
    """The persons of `queryset` that match: a queryset, or for a name search the ids in the
    order of the match."""
    if terms.bad_dates:
        return queryset.none()
    if terms.identifier_words:
        q = Q(pk__in=[])
        for kind, digest in terms.identifiers:
            q |= Q(identifiers__kind=kind, identifiers__lookup_hash=digest)
        queryset = queryset.filter(pk__in=Person.objects.filter(q).values("pk"))
    if terms.dates:
        queryset = queryset.filter(_birth_q(terms.dates))
    if not terms.name:
        return queryset
    if all(len(part) < 2 for part in terms.name):  # initials only: as typed
        q = Q()
        for part in terms.name:
            q &= Q(name_key__contains=part)
        return queryset.filter(q)
    return _ranked_by_name(queryset, [part for part in terms.name if len(part) >= 2])


def person_list(
    *,
    actor: Actor,
    search: str = "",
    date_of_birth: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
    purpose: str = "list",
) -> PersonPage:
    """A page of persons in scope; one LIST audit event names every person shown.

    `search` finds by name tolerant of transliteration (`people.names`: Mohammed Al-Hassan
    finds Muhammad Alhassan, also through the other forms of a name), by an exact identifier
    and by a date of birth written in it (2001-02-03 or 3.2.2001); `date_of_birth` is the
    same as a date in the search. A name search lists the best matches first.
    """
    require(actor, Op.PERSON_LIST)
    queryset = Person.objects.for_actor(actor).select_related("municipality")
    terms = parse_search(search)
    if date_of_birth is not None:
        terms = replace(terms, dates=[*terms.dates, date_of_birth])
    found = _search(queryset, terms)
    if isinstance(found, list):
        total = len(found)
        page_ids = found[offset : offset + limit]
        by_id = queryset.in_bulk(page_ids)
        persons = [by_id[pk] for pk in page_ids if pk in by_id]
    else:
        found = found.distinct()
        total = found.count()
        persons = list(found.order_by("family_name", "given_names", "id")[offset : offset + limit])
    record_event(
        actor=actor,
        action=AuditEvent.Action.EXPORT if purpose == "export" else AuditEvent.Action.LIST,
        object_type=OBJECT_TYPE,
        subject_ids=[p.pk for p in persons],
        fields=fields.LIST,
        detail={
            "search": not terms.empty,
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

    @property
    def sex_label(self) -> str:
        return Person.Sex(self.sex).label if self.sex in Person.Sex.values else self.sex


def pseudonymised_person_list(
    *, actor: Actor, limit: int = 500, offset: int = 0
) -> list[PseudonymisedRow]:
    """The ministry's view: no names, no identifiers, no exact dates. Audited as a list."""
    require(actor, Op.PERSON_LIST_PSEUDONYMISED)
    persons = list(
        Person.objects.filter(LIVE)  # a merged record is counted once, in the record kept
        .select_related("municipality")
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
    """Who viewed or changed this person (supervisors), including the records merged into
    it: their history is this person's. Reading it is audited too."""
    require(actor, Op.PERSON_VIEW_ACCESS_LOG)
    person = person_get(actor=actor, person_id=person_id, purpose="access_log")
    q = Q(pk__in=[])
    for pk in [person.pk, *merged_ids(person.pk)]:
        q |= Q(person_id=pk) | Q(subject_ids__contains=str(pk))
    events = list(AuditEvent.objects.filter(q).order_by("-seq")[:500])
    return person, events


def merged_ids(person_id: uuid.UUID) -> list[uuid.UUID]:
    """Every record merged into this one (directly, or into a record merged into it) and not
    undone: the ids whose history is now this person's."""
    found: list[uuid.UUID] = []
    frontier = [person_id]
    while frontier:
        step = [
            pk
            for pk in Person.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
            if pk not in found and pk != person_id
        ]
        found += step
        frontier = step
    return found


def merged_record_survivor(*, actor: Actor, person_id) -> uuid.UUID | None:
    """For an address of a record merged into another: the record kept, when the actor may
    see it (the page then shows that one). None for any other id, which the caller reads as
    usual (a merged record is in nobody's scope, so an API read of it is a 404). The lookup
    is audited as a read of the merged record naming the one kept."""
    require(actor, Op.PERSON_VIEW)
    pk = as_uuid(person_id)
    if pk is None:
        return None
    survivor = Person.objects.filter(pk=pk).values_list("merged_into", flat=True).first()
    for _step in range(20):  # a chain of merges (A into B, then B into C) ends at a live record
        if survivor is None:
            return None
        further = Person.objects.filter(pk=survivor).values_list("merged_into", flat=True).first()
        if further is None:
            break
        survivor = further
    if not Person.objects.for_actor(actor).filter(pk=survivor).exists():
        return None
    record_event(
        actor=actor,
        action=AuditEvent.Action.READ,
        object_type=OBJECT_TYPE,
        object_id=pk,
        person_id=pk,
        subject_ids=[survivor],
        fields=["merged_into"],
        detail={"purpose": "merged_record"},
    )
    return survivor


@dataclass(frozen=True)
class DuplicateMatch:
    reason: str  # "name_and_birth_date" (identifier matches are refused before this check)
    person: Person | None  # None when the match is outside the actor's scope


def _same_name_ids(candidates: QuerySet[Person], forms: list[list[str]]) -> list[uuid.UUID]:
    """The candidates any of whose name forms may be the same person's as one of `forms`."""
    ids = list(candidates.values_list("pk", flat=True))
    theirs = name_forms(ids)
    return [
        pk
        for pk in ids
        if any(names.same_person_name(mine, other) for mine in forms for other in theirs[pk])
    ]


def find_duplicates(
    *,
    actor: Actor,
    given_names: str,
    family_name: str,
    date_of_birth,
    other_names: list[str] = (),
    exclude_id: uuid.UUID | None = None,
) -> list[DuplicateMatch]:
    """Persons that may be the same as the one being entered: born the same day, with a name
    that may be the same person's (`people.names`, tolerant of transliteration: Muhammad
    Alhassan is a possible duplicate of Mohammed Al-Hassan), compared with every form of the
    names on both sides (other names included).

    Searches the whole register, because a duplicate in another municipality matters too, but
    reveals details only of matches inside the actor's scope.
    """
    matches: dict[uuid.UUID, str] = {}
    if date_of_birth and family_name.strip():
        forms = [
            names.tokens(names.normalise(value))
            for value in (f"{given_names} {family_name}", *other_names)
        ]
        same = Person.objects.filter(LIVE, date_of_birth=date_of_birth)
        if exclude_id is not None:
            same = same.exclude(pk=exclude_id)
        for person_id in _same_name_ids(same, [f for f in forms if f]):
            matches.setdefault(person_id, "name_and_birth_date")
    if not matches:
        return []
    visible = {p.pk: p for p in Person.objects.for_actor(actor).filter(pk__in=matches)}
    for person_id in matches.keys() - visible.keys():
        _audit_hidden_match(actor, person_id, "name_and_birth_date")
    return [DuplicateMatch(reason, visible.get(pk)) for pk, reason in matches.items()]


@dataclass(frozen=True)
class DuplicatePair:
    """Two records in the actor's scope that may be one person (the older one first, as the
    record to keep by default)."""

    first: Person
    second: Person


#: The most pairs the list of possible duplicates shows at once.
DUPLICATE_PAIRS_SHOWN = 200


def _pairs_undone() -> set[frozenset[uuid.UUID]]:
    """Pairs whose merge a system administrator undid: decided to be two persons."""
    return {
        frozenset(pair)
        for pair in PersonMerge.objects.filter(unmerged_at__isnull=False).values_list(
            "survivor_id", "merged_id"
        )
    }


def possible_duplicates(*, actor: Actor, person_id=None) -> list[DuplicatePair]:
    """Pairs of records in the actor's scope born the same day whose names may be the same
    person's (the supervisor's list before a merge); with `person_id`, only the pairs of that
    person. Pairs whose merge was undone are left out. One LIST audit event names every
    person shown."""
    require(actor, Op.PERSON_MERGE)
    scoped = Person.objects.for_actor(actor).exclude(date_of_birth__isnull=True)
    if person_id is not None:
        scoped = scoped.filter(
            date_of_birth__in=scoped.filter(pk=person_id).values("date_of_birth")
        )
    by_day: dict[dt.date, list[uuid.UUID]] = {}
    for pk, day in scoped.values_list("pk", "date_of_birth"):
        by_day.setdefault(day, []).append(pk)
    groups = [ids for ids in by_day.values() if len(ids) > 1]
    forms = name_forms([pk for ids in groups for pk in ids])
    undone = _pairs_undone()
    found: list[tuple[uuid.UUID, uuid.UUID]] = []
    for ids in groups:
        for index, a in enumerate(ids):
            for b in ids[index + 1 :]:
                if person_id is not None and person_id not in (a, b):
                    continue
                if frozenset((a, b)) in undone:
                    continue
                if any(
                    names.same_person_name(x, y) for x in forms.get(a, []) for y in forms.get(b, [])
                ):
                    found.append((a, b))
    persons = Person.objects.select_related("municipality").in_bulk(
        {pk for pair in found for pk in pair}
    )
    pairs = []
    for a, b in found:
        first, second = sorted((persons[a], persons[b]), key=lambda p: (p.created_at, str(p.pk)))
        pairs.append(DuplicatePair(first, second))
    pairs.sort(key=lambda p: (p.first.family_name, p.first.given_names, str(p.first.pk)))
    pairs = pairs[:DUPLICATE_PAIRS_SHOWN]
    shown = sorted({p.pk for pair in pairs for p in (pair.first, pair.second)}, key=str)
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type="people.Person:duplicates",
        subject_ids=shown,
        fields=fields.LIST,
        detail={"count": len(pairs), "person": str(person_id) if person_id else None},
    )
    return pairs


@dataclass(frozen=True)
class MergePreview:
    """What the supervisor confirms: the record kept, the one merged into it, and what
    people itself would refuse (the other apps refuse when the merge is saved)."""

    survivor: Person
    merged: Person
    problems: list[str]


def merge_preview(*, actor: Actor, survivor_id, merged_id) -> MergePreview:
    """Both records as the merge page shows them, each in the actor's scope (an audited 404
    otherwise); one READ audit event names both."""
    from .merging import merge_conflicts

    require(actor, Op.PERSON_MERGE)
    checks = person_checks(actor, "merge")
    queryset = _detail_queryset().for_actor(actor)
    survivor = in_scope_or_404(queryset, survivor_id, **checks)
    merged = in_scope_or_404(queryset, merged_id, **checks)
    shown = fields.DETAIL_FIELDS.get(actor.person_view, fields.LIST)
    record_event(
        actor=actor,
        action=AuditEvent.Action.READ,
        object_type=OBJECT_TYPE,
        object_id=survivor.pk,
        person_id=survivor.pk,
        subject_ids=[survivor.pk, merged.pk],
        fields=shown,
        detail={"purpose": "merge_preview"},
    )
    problems = merge_conflicts(survivor, merged) if survivor.pk != merged.pk else []
    return MergePreview(survivor, merged, problems)


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
