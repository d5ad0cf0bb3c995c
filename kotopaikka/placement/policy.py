"""A regional authority's placement policy, and how it becomes the optimiser's weights.

The policy is lexicographic, in this order (docs/placement-policy.md):

1. **emergency cases first** (if the policy says so): one more emergency case placed is worth
   more than anything the tiers below can add up to;
2. **persons placed**, each weighted by the time its case has waited
   (``1 + waiting_weight × min(years waited, waiting_cap_years)``): one person placed is worth
   more than every bonus of tier 3 in the whole run together, so **a case that fits is never
   left unplaced for a bonus** (a better municipality for another case, a tie, a wish);
3. **expected outcome, ties and wishes** with the policy's weights, minus the optional
   regional-share fairness term (per person of deviation from each region's share of the
   free places).

The optimiser maximises one weighted sum, so the tiers are made strict by scale: the placement
weight is the largest total tier 3 can reach in this run plus one, the emergency weight the
largest total of tiers 2 and 3 plus one (`compile_policy`). Those scales depend on the run's
cases, so they are computed for each run and stored with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import Decimal

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.optimiser import model as om

from .models import PlacementPolicy

POLICY = "placement.PlacementPolicy"

#: The policy's adjustable values and their bounds (inclusive): the form, the API and the
#: service check the same table.
BOUNDS: dict[str, tuple[Decimal, Decimal]] = {
    "waiting_weight": (Decimal("0"), Decimal("10")),
    "waiting_cap_years": (Decimal("0"), Decimal("10")),
    "outcome_weight": (Decimal("0"), Decimal("10")),
    "tie_weight": (Decimal("0"), Decimal("10")),
    "wish_weight": (Decimal("0"), Decimal("10")),
    "fairness_weight": (Decimal("0"), Decimal("10")),
}


@dataclass(frozen=True)
class Policy:
    """The values of a policy (a stored version or the default)."""

    version: int
    emergency_first: bool
    waiting_weight: float
    waiting_cap_years: float
    outcome_weight: float
    tie_weight: float
    wish_weight: float
    fairness_weight: float

    def as_dict(self) -> dict:
        return asdict(self)


#: The documented default (version 0): emergency cases first; a year of waiting makes a person
#: count half again as much (at most three years counted); one expected employed adult is worth
#: 1, a tie 0.3, a wish 0.1 (the optimiser's defaults); no fairness term.
DEFAULT_POLICY = Policy(
    version=0,
    emergency_first=True,
    waiting_weight=0.5,
    waiting_cap_years=3.0,
    outcome_weight=1.0,
    tie_weight=0.3,
    wish_weight=0.1,
    fairness_weight=0.0,
)


def _policy(row: PlacementPolicy) -> Policy:
    return Policy(
        version=row.version,
        emergency_first=row.emergency_first,
        **{name: float(getattr(row, name)) for name in BOUNDS},
    )


def policy_in_force(authority) -> tuple[Policy, PlacementPolicy | None]:
    """The authority's newest policy version (and its row), or the default (and None)."""
    row = PlacementPolicy.objects.filter(regional_authority=authority).order_by("-version").first()
    return (DEFAULT_POLICY, None) if row is None else (_policy(row), row)


def policy_history(authority) -> list[PlacementPolicy]:
    return list(PlacementPolicy.objects.filter(regional_authority=authority).order_by("-version"))


def policy_change(
    *, actor: Actor, emergency_first: bool, reason: str, **values: Decimal
) -> PlacementPolicy:
    """A new version of the actor's authority's policy (a change never rewrites a version
    that runs may have used). Every value is checked against `BOUNDS`; a reason is required."""
    require(actor, Op.PLACEMENT_POLICY_MANAGE)
    errors: dict[str, list[str]] = {}
    clean: dict[str, Decimal] = {}
    for name, (low, high) in BOUNDS.items():
        value = values.get(name)
        try:
            number = Decimal(str(value))
        except (ArithmeticError, ValueError):
            errors[name] = [_("Enter a number.")]
            continue
        if not number.is_finite() or not low <= number <= high:
            errors[name] = [
                _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            ]
            continue
        clean[name] = number.quantize(Decimal("0.01"))
    unknown = sorted(set(values) - set(BOUNDS))
    for name in unknown:
        errors[name] = [_("Unknown field.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the policy changes.")]
    elif len(reason) > 2000:
        errors["reason"] = [_("At most 2,000 characters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        last = (
            PlacementPolicy.objects.select_for_update()
            .filter(regional_authority=actor.organisation)
            .order_by("-version")
            .first()
        )
        row = PlacementPolicy.objects.create(
            regional_authority=actor.organisation,
            version=(last.version if last else 0) + 1,
            created_by=actor.user.get_username(),
            emergency_first=bool(emergency_first),
            reason=reason.strip(),
            **clean,
        )
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type=POLICY,
            object_id=row.pk,
            fields=["emergency_first", "reason", *BOUNDS],
            detail={"version": row.version},
        )
    return row


def years_waited(available_from: str | None, today: dt.date) -> float:
    if not available_from:
        return 0.0
    return max(0.0, (today - dt.date.fromisoformat(available_from)).days / 365.25)


def case_priority(policy: Policy, available_from: str | None, today: dt.date) -> float:
    """The weight of one person of this case in tier 2."""
    waited = min(years_waited(available_from, today), policy.waiting_cap_years)
    return 1.0 + policy.waiting_weight * waited


def compile_policy(policy: Policy, inst: om.Instance, *, today: dt.date) -> dict[str, float]:
    """Set the instance's weights and each case's priority from the policy (in place) and
    return the scales used.

    Tier 3's largest possible total ``R`` is the sum over cases of their best bonus in any
    municipality (outcome, tie and wish; all at least 0) plus twice the fairness weight per
    person (moving one person changes the regional deviation by at most two). With the
    placement weight ``R + 1``, a solution that places one more person (and keeps every
    other case placed, wherever) is always worth more, whatever the bonuses lost. The
    emergency weight is tier 2's largest total plus ``R + 1``.
    """
    persons = np.array([c.size for c in inst.cases], dtype=float)
    bonus = np.zeros((inst.n_cases, inst.n_municipalities))
    if inst.outcome is not None and policy.outcome_weight:
        bonus += policy.outcome_weight * np.maximum(np.asarray(inst.outcome, dtype=float), 0.0)
    index = inst.muni_index
    for i, c in enumerate(inst.cases):
        c.priority = case_priority(policy, c.available_from, today)
        for code in c.ties:
            bonus[i, index[code]] += policy.tie_weight
        for code in c.wishes:
            bonus[i, index[code]] += policy.wish_weight
    best = bonus.max(axis=1) if inst.n_municipalities else np.zeros(inst.n_cases)
    tier3 = float(best.sum()) + 2.0 * policy.fairness_weight * float(persons.sum())
    placement = tier3 + 1.0
    tier2 = placement * float(sum(c.size * c.priority for c in inst.cases))
    emergency = tier2 + tier3 + 1.0 if policy.emergency_first else 0.0
    inst.weights = om.Weights(
        outcome=policy.outcome_weight,
        tie=policy.tie_weight,
        wish=policy.wish_weight,
        placement=placement,
        emergency=emergency,
        fairness=policy.fairness_weight,
    )
    inst.invalidate()
    return {"tier3_max": tier3, "placement_weight": placement, "emergency_weight": emergency}


def regional_shares(municipalities: list[om.Municipality]) -> list[om.Region]:
    """The fairness term's targets: each region's share of the free person places."""
    free: dict[str, float] = {}
    for m in municipalities:
        free[m.region] = free.get(m.region, 0.0) + float(m.capacity.get("persons") or 0)
    total = sum(free.values())
    if total <= 0:
        return []
    return [om.Region(code=r, target_share=v / total) for r, v in sorted(free.items())]
