"""Merging a duplicate person record into the record kept, and undoing a merge.

A merge of B into A (`person_merge`) is one service in one transaction: every row about B
moves to A (B's name becomes one of A's other names; B's other names, identifiers, languages,
nationalities, household membership and timeline move), the other apps move their rows
through the handlers they registered (below), B is kept as a tombstone marked merged into A
(`Person.merged_into`: out of every scope, list and search, never deleted, so that the audit
events naming B still resolve), a `PersonMerge` row records every id that moved, and one
audit event names both persons. `person_unmerge` (system administrators) moves back exactly
what the record says moved and is still there, and audits that too.

**Other apps' rows.** people sits below placement and integration (the import-linter layers in
pyproject.toml), so it cannot import them, and only an app's own services write its tables
(tests/ownership.py). Each app that keeps rows pointing at a person registers a *merge
handler* in its `AppConfig.ready()`:

    from kotopaikka.people.merging import register_merge_handler
    register_merge_handler("placement", services.persons_repoint)

A handler is called inside the merge's (or the undo's) transaction as
`handler(actor=..., from_person_id=..., to_person_id=..., moved=...)`. With `moved=None` (a
merge) it moves every row of `from_person_id` to `to_person_id` and returns what it moved as
JSON of ids; undoing the merge calls it with the persons the other way round and `moved` set
to what it returned then, and it moves back exactly those rows. To refuse a merge (both
persons are integration clients) it raises `PersonMergeRefused` with a message for the user;
the whole merge is rolled back. Handlers run in the order of their names, and in the reverse
order when a merge is undone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op, Role
from kotopaikka.access.scope import in_scope_or_404
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_denial, record_event
from kotopaikka.core.errors import ConflictError
from kotopaikka.registry.models import Organisation

from .errors import PersonNotFound
from .models import (
    HouseholdMember,
    Person,
    PersonEvent,
    PersonIdentifier,
    PersonLanguage,
    PersonMerge,
    PersonName,
    PersonNationality,
)
from .scope import merge_scope_q
from .selectors import OBJECT_TYPE, person_checks
from .services import _timeline

MERGE_OBJECT = "people.PersonMerge"

MergeHandler = Callable[..., dict[str, Any]]
_HANDLERS: dict[str, MergeHandler] = {}


def register_merge_handler(name: str, handler: MergeHandler) -> None:
    """Register (or replace) the merge handler of an app above people (see the module
    docstring); `name` is the key of what it moved in `PersonMerge.moves["handlers"]`."""
    _HANDLERS[name] = handler


def merge_handlers() -> dict[str, MergeHandler]:
    """The registered handlers by name, in the order they run in a merge."""
    return dict(sorted(_HANDLERS.items()))


class PersonMergeRefused(ConflictError):
    """The two records cannot be merged as they are (each is an integration client, they
    have different identity codes, ...): the messages say what to resolve first."""

    conflict_code = "merge_refused"

    def payload(self) -> dict:
        return {"reasons": self.messages}


class MergeNotFound(Http404):
    """No such merge, or not one the actor may undo."""


def _kinds_moved(moves: dict) -> list[str]:
    fields = [
        name
        for name in ("other_names", "identifiers", "nationalities", "languages", "timeline")
        if moves.get(name)
    ]
    if moves.get("name_added"):
        fields.append("other_names")
    if moves.get("household"):
        fields.append("household")
    fields += [name for name, moved in moves.get("handlers", {}).items() if moved]
    return sorted(set(fields))


def counts(moves: dict) -> dict[str, int]:
    """How many rows of each kind a merge moved (what the pages and the audit detail show)."""
    out = {
        name: len(moves.get(name, []))
        for name in ("other_names", "identifiers", "nationalities", "languages", "timeline")
    }
    out["other_names"] += 1 if moves.get("name_added") else 0
    out["household"] = 1 if moves.get("household") else 0
    for handler, moved in moves.get("handlers", {}).items():
        for kind, ids in moved.items():
            out[f"{handler}.{kind}"] = len(ids) if isinstance(ids, list) else int(bool(ids))
    return out


def _membership(person: Person) -> HouseholdMember | None:
    return HouseholdMember.objects.filter(person=person).first()


def merge_conflicts(survivor: Person, merged: Person) -> list[str]:
    """What people itself must have resolved before the two records can be one (the other
    apps refuse through their handlers): a different identifier of the same kind, and
    memberships of two households."""
    problems = []
    kept = {i.kind: i.lookup_hash for i in survivor.identifiers.all()}
    for identifier in merged.identifiers.all():
        if identifier.kind in kept and kept[identifier.kind] != identifier.lookup_hash:
            problems.append(
                _(
                    "The records have a different %(kind)s. Correct the wrong one before "
                    "merging them."
                )
                % {"kind": identifier.get_kind_display()}
            )
    a, b = _membership(survivor), _membership(merged)
    if a and b and a.household_id != b.household_id:
        problems.append(
            _(
                "The records belong to different households. Take one of them out of its "
                "household before merging them."
            )
        )
    return problems


def _check_pair(actor: Actor, survivor_id, merged_id) -> tuple[uuid.UUID, uuid.UUID]:
    """Both records in the actor's merge scope (an audited 404 otherwise), and two of them.
    Runs before the merge's transaction, so that a refusal's audit event is kept."""
    scoped = Person.objects.filter(merge_scope_q(actor)).values_list("pk", flat=True)
    checks = person_checks(actor, "merge")
    survivor = in_scope_or_404(scoped, survivor_id, **checks)
    merged = in_scope_or_404(scoped, merged_id, **checks)
    if survivor == merged:
        raise ValidationError({"duplicate": [_("A record cannot be merged into itself.")]})
    return survivor, merged


def _move_rows(survivor: Person, merged: Person) -> dict[str, Any]:
    """Move people's own rows from `merged` to `survivor`; the ids of what moved."""
    moves: dict[str, Any] = {}
    moves["other_names"] = [str(pk) for pk in merged.other_names.values_list("pk", flat=True)]
    PersonName.objects.filter(person=merged).update(person=survivor)
    name = f"{merged.given_names} {merged.family_name}".strip()
    spellings = {
        f"{survivor.given_names} {survivor.family_name}".casefold(),
        *(v.casefold() for v in survivor.other_names.values_list("value", flat=True)),
    }
    if name.casefold() not in spellings:
        moves["name_added"] = PersonName.objects.create(person=survivor, value=name).pk

    kinds_kept = set(survivor.identifiers.values_list("kind", flat=True))
    moving = merged.identifiers.exclude(kind__in=kinds_kept)
    moves["identifiers"] = list(moving.values_list("pk", flat=True))
    PersonIdentifier.objects.filter(pk__in=moves["identifiers"]).update(person=survivor)

    countries = set(survivor.nationalities.values_list("country", flat=True))
    moving = merged.nationalities.exclude(country__in=countries)
    moves["nationalities"] = list(moving.values_list("pk", flat=True))
    PersonNationality.objects.filter(pk__in=moves["nationalities"]).update(person=survivor)

    spoken = set(survivor.languages.values_list("language", flat=True))
    moving = merged.languages.exclude(language__in=spoken)
    moves["languages"] = list(moving.values_list("pk", flat=True))
    PersonLanguage.objects.filter(pk__in=moves["languages"]).update(person=survivor)

    own, theirs = _membership(survivor), _membership(merged)
    if theirs and own is None:
        HouseholdMember.objects.filter(pk=theirs.pk).update(person=survivor)
        moves["household"] = {"moved": theirs.pk}
    elif theirs:  # the same household (two households were refused)
        moves["household"] = {
            "dropped": {"household": str(theirs.household_id), "relation": theirs.relation}
        }
        theirs.delete()

    moves["timeline"] = list(merged.events.values_list("pk", flat=True))
    PersonEvent.objects.filter(pk__in=moves["timeline"]).update(person=survivor)
    return moves


def person_merge(*, actor: Actor, survivor_id, merged_id) -> PersonMerge:
    """Merge the record `merged_id` (B) into `survivor_id` (A), both in the actor's merge
    scope (`people.scope.merge_scope_q`); see the module docstring for what moves.

    Refused with `PersonMergeRefused` (nothing written) when the records conflict: different
    identifiers of one kind, two households, or an app's handler refuses (each person is an
    integration client, each is a member of a placement case).
    """
    require(actor, Op.PERSON_MERGE)
    a_pk, b_pk = _check_pair(actor, survivor_id, merged_id)
    lost: uuid.UUID | None = None
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(pk__in=[a_pk, b_pk]).order_by("pk")
        }
        still = set(
            Person.objects.filter(merge_scope_q(actor), pk__in=[a_pk, b_pk]).values_list(
                "pk", flat=True
            )
        )
        if still != {a_pk, b_pk}:
            lost = a_pk if a_pk not in still else b_pk
        else:
            survivor, merged = locked[a_pk], locked[b_pk]
            problems = merge_conflicts(survivor, merged)
            if problems:
                raise PersonMergeRefused(problems)
            moves = _move_rows(survivor, merged)
            moves["handlers"] = {
                name: handler(actor=actor, from_person_id=b_pk, to_person_id=a_pk, moved=None)
                for name, handler in merge_handlers().items()
            }
            merged.merged_into = survivor
            merged.save(update_fields=["merged_into", "updated_at"])
            merge = PersonMerge.objects.create(
                survivor=survivor,
                merged=merged,
                merged_by=actor.user.get_username(),
                organisation=actor.organisation,
                moves=moves,
            )
            moved = _kinds_moved(moves)
            _timeline(survivor, actor, PersonEvent.Kind.MERGED, moved)
            _timeline(merged, actor, PersonEvent.Kind.MERGED_INTO)
            record_event(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                object_type=OBJECT_TYPE,
                object_id=a_pk,
                person_id=a_pk,
                subject_ids=[a_pk, b_pk],
                fields=["merged_into", *moved],
                detail={
                    "operation": "merge",
                    "merge": str(merge.pk),
                    "survivor": str(a_pk),
                    "merged": str(b_pk),
                    "moved": counts(moves),
                },
            )
            return merge
    # Gone or out of scope since the check: refused like any other, audited after the rollback.
    record_denial(
        actor=actor, object_type=OBJECT_TYPE, object_id=lost, purpose="merge", person_id=lost
    )
    raise PersonNotFound()


def merges_in_scope(actor: Actor) -> QuerySet[PersonMerge]:
    """The merges whose undoing the actor may see: a system administrator of KEHA or the
    ministry every merge, one of a municipality those of its municipality's persons."""
    merges = PersonMerge.objects.select_related("organisation")
    if actor.role == Role.SYSTEM_ADMIN:
        org = actor.organisation
        if org.kind == Organisation.Kind.MUNICIPALITY:
            return merges.filter(survivor__municipality_id=org.municipality_id)
        return merges
    return merges.filter(survivor__in=Person.objects.for_actor(actor))


def _restore_rows(survivor: Person, merged: Person, moves: dict) -> dict[str, int]:
    """Move people's rows back from the survivor as `moves` records them; what could not be
    restored because it changed since (a survivor's edit replaces its rows), by kind."""
    missing: dict[str, int] = {}

    def back(model, kind: str) -> None:
        ids = moves.get(kind, [])
        done = model.objects.filter(pk__in=ids, person=survivor).update(person=merged)
        if done < len(ids):
            missing[kind] = len(ids) - done

    back(PersonName, "other_names")
    back(PersonIdentifier, "identifiers")
    back(PersonNationality, "nationalities")
    back(PersonLanguage, "languages")
    back(PersonEvent, "timeline")
    if moves.get("name_added"):
        PersonName.objects.filter(pk=moves["name_added"], person=survivor).delete()
    household = moves.get("household") or {}
    if "moved" in household:
        done = HouseholdMember.objects.filter(pk=household["moved"], person=survivor).update(
            person=merged
        )
        if not done:
            missing["household"] = 1
    elif "dropped" in household:
        dropped = household["dropped"]
        if HouseholdMember.objects.filter(household_id=dropped["household"]).exists():
            HouseholdMember.objects.create(
                household_id=dropped["household"], person=merged, relation=dropped["relation"]
            )
        else:
            missing["household"] = 1
    return missing


@dataclass(frozen=True)
class Unmerged:
    merge: PersonMerge
    missing: dict[str, int]


def person_unmerge(*, actor: Actor, merge_id) -> Unmerged:
    """Undo a merge (system administrators): the merged record is a person of its own again
    with every row that moved and is still on the survivor; each app's handler moves its
    rows back. Rows changed on the survivor since the merge stay there (`missing` counts
    them by kind, and so does the audit event)."""
    require(actor, Op.PERSON_UNMERGE)
    pk = in_scope_or_404(
        merges_in_scope(actor).values_list("pk", flat=True),
        merge_id,
        actor=actor,
        object_type=MERGE_OBJECT,
        purpose="unmerge",
        not_found=MergeNotFound,
    )
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=pk)
        if merge.is_undone:
            raise ValidationError({"merge": [_("This merge has already been undone.")]})
        persons = {
            p.pk: p
            for p in Person.objects.select_for_update()
            .filter(pk__in=[merge.survivor_id, merge.merged_id])
            .order_by("pk")
        }
        survivor, merged = persons[merge.survivor_id], persons[merge.merged_id]
        if survivor.merged_into_id is not None:
            raise ValidationError(
                {
                    "merge": [
                        _(
                            "The kept record has since been merged into another one. Undo "
                            "that merge first."
                        )
                    ]
                }
            )
        handlers = merge_handlers()
        recorded = merge.moves.get("handlers", {})
        unknown = sorted(set(recorded) - set(handlers))
        if unknown:
            raise ValidationError(
                {
                    "merge": [
                        _("No part of the application restores these rows: %(names)s.")
                        % {"names": ", ".join(unknown)}
                    ]
                }
            )
        for name in sorted(recorded, reverse=True):
            handlers[name](
                actor=actor,
                from_person_id=survivor.pk,
                to_person_id=merged.pk,
                moved=recorded[name],
            )
        missing = _restore_rows(survivor, merged, merge.moves)
        merged.merged_into = None
        merged.save(update_fields=["merged_into", "updated_at"])
        merge.unmerged_at = timezone.now()
        merge.unmerged_by = actor.user.get_username()
        merge.save(update_fields=["unmerged_at", "unmerged_by"])
        for person in (survivor, merged):
            _timeline(person, actor, PersonEvent.Kind.UNMERGED)
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=OBJECT_TYPE,
            object_id=merged.pk,
            person_id=merged.pk,
            subject_ids=[survivor.pk, merged.pk],
            fields=["merged_into", *_kinds_moved(merge.moves)],
            detail={
                "operation": "unmerge",
                "merge": str(merge.pk),
                "survivor": str(survivor.pk),
                "merged": str(merged.pk),
                "missing": missing,
            },
        )
    return Unmerged(merge, missing)


def merge_list(*, actor: Actor, limit: int = 200) -> list[PersonMerge]:
    """The merges the actor may undo, newest first (ids and counts, no names); one LIST
    audit event names the persons of every merge shown."""
    require(actor, Op.PERSON_UNMERGE)
    merges = list(merges_in_scope(actor)[:limit])
    record_event(
        actor=actor,
        action=AuditEvent.Action.LIST,
        object_type=MERGE_OBJECT,
        subject_ids=sorted({pk for m in merges for pk in (m.survivor_id, m.merged_id)}, key=str),
        fields=["survivor", "merged", "moves"],
        detail={"count": len(merges)},
    )
    return merges


def merge_get(*, actor: Actor, merge_id) -> PersonMerge:
    """One merge the actor may undo (an audited 404 otherwise), audited as a read naming
    both persons."""
    require(actor, Op.PERSON_UNMERGE)
    merge = in_scope_or_404(
        merges_in_scope(actor),
        merge_id,
        actor=actor,
        object_type=MERGE_OBJECT,
        purpose="view",
        not_found=MergeNotFound,
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.READ,
        object_type=MERGE_OBJECT,
        object_id=merge.pk,
        person_id=merge.merged_id,
        subject_ids=[merge.survivor_id, merge.merged_id],
        fields=["survivor", "merged", "moves"],
    )
    return merge
