"""Reaching one object by the id a request gave: the object if it is in the actor's scope, or
an audited 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from kotopaikka.audit.services import record_denial

from .ids import as_uuid


def in_scope_or_404(
    scoped: QuerySet,
    object_id: object,
    *,
    actor: Any,
    object_type: str,
    purpose: str,
    not_found: type[Http404] = Http404,
    person: bool = False,
) -> Any:
    """The row of `scoped` (a queryset already limited to what `actor` may see) whose pk is
    `object_id`: a model instance, or just the pk when `scoped` is `.values_list("pk",
    flat=True)`.

    A malformed id, a missing object and one outside the scope look the same to the caller
    (`not_found`, a 404), so that ids cannot be probed; the attempt is audited as denied with
    the id asked for (`person=True` also records it as the event's person). Call it before,
    never inside, the transaction of a change, or the rollback takes the refusal's event.
    """
    pk = as_uuid(object_id)
    found = scoped.filter(pk=pk).first() if pk is not None else None
    if found is None:
        record_denial(
            actor=actor,
            object_type=object_type,
            object_id=object_id,
            purpose=purpose,
            person_id=pk if person else None,
        )
        raise not_found()
    return found
