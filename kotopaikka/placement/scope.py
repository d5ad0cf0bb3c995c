"""Which cases, proposals and optimiser runs an actor may see: the row filters beside the
querysets they filter (`PlacementCase.objects.for_actor` and the others), so that the access
policy need not know placement's join paths. Which kind of party an actor is comes from the
policy (`access.policy.placement_party`)."""

from __future__ import annotations

from django.db.models import Q

from kotopaikka.access.policy import Actor, placement_party
from kotopaikka.registry.models import Organisation


def case_scope_q(actor: Actor | None) -> Q:
    """Row filter on `placement.PlacementCase` for the cases this actor may see.

    * regional authority: the cases it holds;
    * municipality: cases proposed to it (anonymised data only until it accepts), and cases
      that arrived or moved there;
    * reception centre: its own residents' applications;
    * everyone else: none (the ministry sees aggregates on the dashboard).
    """
    party = placement_party(actor)
    if party == Organisation.Kind.REGIONAL_AUTHORITY:
        return Q(regional_authority_id=actor.organisation.pk)
    if party == Organisation.Kind.MUNICIPALITY:
        municipality_id = actor.organisation.municipality_id
        return (
            Q(proposals__municipality_id=municipality_id)
            | Q(arrival__municipality_id=municipality_id)
            | Q(self_arranged_move__municipality_id=municipality_id)
        )
    if party == Organisation.Kind.RECEPTION_CENTRE:
        return Q(reception_centre_id=actor.organisation.pk)
    return Q(pk__in=[])


def proposal_scope_q(actor: Actor | None) -> Q:
    """Row filter on `placement.Proposal` for the proposals this actor may see and act on.

    * regional authority: proposals of the cases it holds;
    * municipality: proposals to it (not those of the same case to other municipalities);
    * reception centre: proposals of its own residents' cases;
    * everyone else: none.

    Which of them an actor may decide, withdraw and so on is the operation's check (`can`).
    """
    party = placement_party(actor)
    if party == Organisation.Kind.REGIONAL_AUTHORITY:
        return Q(case__regional_authority_id=actor.organisation.pk)
    if party == Organisation.Kind.MUNICIPALITY:
        return Q(municipality_id=actor.organisation.municipality_id)
    if party == Organisation.Kind.RECEPTION_CENTRE:
        return Q(case__reception_centre_id=actor.organisation.pk)
    return Q(pk__in=[])


def run_scope_q(actor: Actor | None) -> Q:
    """Row filter on `placement.OptimiserRun`: a run names the cases of one regional
    authority and where they would go, so only that authority's placement officers see it."""
    if placement_party(actor) != Organisation.Kind.REGIONAL_AUTHORITY:
        return Q(pk__in=[])
    return Q(regional_authority_id=actor.organisation.pk)


def move_notice_scope_q(actor: Actor | None) -> Q:
    """Row filter on `placement.MoveNotice`: the regional authority holding the case sees and
    resolves its notices; the reporting municipality sees the notices it made (and nothing of
    the case beyond them until a notice is confirmed)."""
    party = placement_party(actor)
    if party == Organisation.Kind.REGIONAL_AUTHORITY:
        return Q(case__regional_authority_id=actor.organisation.pk)
    if party == Organisation.Kind.MUNICIPALITY:
        return Q(municipality_id=actor.organisation.municipality_id)
    return Q(pk__in=[])
