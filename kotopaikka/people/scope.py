"""Which persons an actor may see: the row filter beside the queryset it filters
(`Person.objects.for_actor`), so that the access policy need not know people's fields."""

from __future__ import annotations

from django.db.models import Q

from kotopaikka.access.policy import Actor
from kotopaikka.access.roles import PersonView, Role
from kotopaikka.registry.models import Organisation


def person_scope_q(actor: Actor | None) -> Q:
    """Row filter on `people.Person` for the persons this actor may see.

    * municipal staff: persons whose case is with their municipality;
    * regional authority: persons with a municipality in its area, or whose case it holds;
    * reception centre: its residents;
    * KEHA: persons with a municipality of residence (what compensation needs; the field set
      is limited separately by `PersonView.COMPENSATION`);
    * ministry and system administrators: nobody (aggregates and pseudonyms only).
    """
    if actor is None or actor.person_view is PersonView.NONE:
        return NOBODY
    rows = _organisation_rows(actor.organisation)
    return NOBODY if rows is None else LIVE & rows


#: No row at all.
NOBODY = Q(pk__in=[])
#: Records that were not merged into another: a merged record (a tombstone, kept so that
#: audit events naming it resolve) is in nobody's scope, lists or searches.
LIVE = Q(merged_into__isnull=True)


def _organisation_rows(org: Organisation) -> Q | None:
    kind = org.kind
    if kind == Organisation.Kind.MUNICIPALITY:
        return Q(municipality_id=org.municipality_id)
    if kind == Organisation.Kind.REGIONAL_AUTHORITY:
        area = org.municipalities_in_area().values("pk")
        return Q(regional_authority_id=org.pk) | Q(municipality_id__in=area)
    if kind == Organisation.Kind.RECEPTION_CENTRE:
        return Q(reception_centre_id=org.pk)
    if kind == Organisation.Kind.KEHA:
        return Q(municipality__isnull=False)
    return None


def merge_scope_q(actor: Actor | None) -> Q:
    """Row filter for the records an actor may merge, or whose merge it may undo.

    * a municipal supervisor: the persons in its scope (its municipality's);
    * a system administrator: the whole register when it acts for KEHA or the ministry
      (register maintenance: duplicates in two municipalities, which neither municipality's
      supervisor can merge), its municipality's persons when it acts for a municipality.
      Administrators see no personal data: they merge and undo merges by id.
    """
    if actor is None:
        return NOBODY
    if actor.role == Role.SYSTEM_ADMIN:
        if actor.organisation.kind == Organisation.Kind.MUNICIPALITY:
            return LIVE & Q(municipality_id=actor.organisation.municipality_id)
        return LIVE
    return person_scope_q(actor)
