"""Which persons an actor may see: the row filter beside the queryset it filters
(`Person.objects.for_actor`), so that the access policy need not know people's fields."""

from __future__ import annotations

from django.db.models import Q

from kotopaikka.access.policy import Actor
from kotopaikka.access.roles import PersonView
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
    nobody = Q(pk__in=[])
    if actor is None or actor.person_view is PersonView.NONE:
        return nobody
    org = actor.organisation
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
    return nobody
