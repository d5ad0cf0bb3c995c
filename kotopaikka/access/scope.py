"""Reaching one object by the id a request gave: the object if it is in the actor's scope, or
an audited 404 (`in_scope_or_404`); and changing it (`locked_in_scope`: check scope, then lock
and change). Every app's selectors and services use these two, so the rule that a refusal is
audited outside the refused change's transaction lives in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from kotopaikka.audit.services import record_denial
from kotopaikka.core.ids import as_uuid


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


@contextmanager
def locked_in_scope(
    scoped: QuerySet,
    object_id: object,
    *,
    actor: Any,
    object_type: str,
    purpose: str,
    not_found: type[Http404] = Http404,
    person: bool = False,
    select_related: tuple[str, ...] = (),
) -> Iterator[Any]:
    """Check scope, then lock and change: the one way a service changes an object that a
    request named by id.

        with locked_in_scope(Person.objects.for_actor(actor), person_id, actor=actor,
                             object_type=OBJECT_TYPE, purpose="update",
                             not_found=PersonNotFound, person=True) as person:
            ...  # change `person`, lock further rows, record_event(...)

    1. The scope check runs *before* the transaction opens (`in_scope_or_404`), so that a
       refusal's `denied` event is committed even though the refused change is not.
    2. Inside one transaction (`transaction.atomic`) the row is locked (`SELECT … FOR
       UPDATE` on PostgreSQL; SQLite's writer lock serialises instead) and re-read, and the
       scope is applied again: an object moved out of scope or deleted between the check and
       the lock is refused too, and that refusal is audited after the transaction is closed.
    3. The `with` body is the change; an exception in it rolls back everything it wrote.

    The lock is taken on the model's own rows (`scoped.model`), not on the scoped query, whose
    joins and DISTINCT PostgreSQL refuses to lock.
    """
    pk = in_scope_or_404(
        scoped.values_list("pk", flat=True),
        object_id,
        actor=actor,
        object_type=object_type,
        purpose=purpose,
        not_found=not_found,
        person=person,
    )
    with transaction.atomic():
        rows = scoped.model._default_manager.select_for_update()
        if select_related:
            rows = rows.select_related(*select_related)
        locked = rows.filter(pk=pk).first()
        if locked is not None and scoped.filter(pk=pk).exists():
            yield locked
            return
    # Gone or out of scope since the check: refused like any other, audited after the rollback.
    record_denial(
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        person_id=pk if person else None,
    )
    raise not_found()
