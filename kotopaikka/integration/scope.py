"""Which integration clients an actor may see: the row filter beside its queryset
(`IntegrationClient.objects.for_actor`)."""

from __future__ import annotations

from django.db.models import Q

from kotopaikka.access.policy import Actor
from kotopaikka.access.roles import Role
from kotopaikka.registry.models import Organisation

#: the roles of a municipality's integration services
MUNICIPAL_ROLES = (Role.INTEGRATION_WORKER, Role.MUNICIPAL_SUPERVISOR)


def client_scope_q(actor: Actor | None) -> Q:
    """A municipality's integration staff see the clients of their municipality; nobody else
    sees client records (placement sees persons, KEHA the compensation data)."""
    if (
        actor is not None
        and actor.organisation.kind == Organisation.Kind.MUNICIPALITY
        and actor.role in MUNICIPAL_ROLES
    ):
        return Q(municipality_id=actor.organisation.municipality_id)
    return Q(pk__in=[])


def group_scope_q(actor: Actor | None) -> Q:
    """Civic orientation groups: those of the municipality, for its integration staff."""
    if (
        actor is not None
        and actor.organisation.kind == Organisation.Kind.MUNICIPALITY
        and actor.role in MUNICIPAL_ROLES
    ):
        return Q(municipality_id=actor.organisation.municipality_id)
    return Q(pk__in=[])
