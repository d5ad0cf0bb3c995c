"""Live usage of municipal places: agreed, proposed, accepted, arrived and free, per dimension.

One function computes usage for any set of agreement years, so the capacity check inside a
locked transaction, the dashboards and the API all count the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kotopaikka.core.errors import ConflictError
from kotopaikka.optimiser.model import DIMENSIONS

from .models import AgreementYear, PlacementCase, Proposal, SelfArrangedMove

BUCKETS = ("proposed", "accepted", "arrived")


def _zero() -> dict[str, int]:
    return dict.fromkeys(DIMENSIONS, 0)


@dataclass
class Usage:
    """Usage of one agreement year (or a sum of several)."""

    agreed: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS))
    proposed: dict[str, int] = field(default_factory=_zero)
    accepted: dict[str, int] = field(default_factory=_zero)
    arrived: dict[str, int] = field(default_factory=_zero)

    def used(self, dimension: str) -> int:
        return sum(getattr(self, bucket)[dimension] for bucket in BUCKETS)

    @property
    def free(self) -> dict[str, int | None]:
        return {
            d: None if self.agreed[d] is None else self.agreed[d] - self.used(d) for d in DIMENSIONS
        }

    def add(self, other: Usage) -> None:
        for d in DIMENSIONS:
            if other.agreed[d] is not None:
                self.agreed[d] = (self.agreed[d] or 0) + other.agreed[d]
            for bucket in BUCKETS:
                getattr(self, bucket)[d] += getattr(other, bucket)[d]

    def exceeded_by(self, demand: dict[str, int]) -> list[str]:
        """Dimensions in which adding `demand` would exceed what was agreed."""
        return [
            d
            for d in DIMENSIONS
            if self.agreed[d] is not None
            and demand.get(d, 0)
            and self.used(d) + demand[d] > self.agreed[d]
        ]

    def overbooked(self) -> list[str]:
        """Dimensions in which more places are in use than agreed (free below zero)."""
        return [d for d, free in self.free.items() if free is not None and free < 0]


def usage_by_year(years: Iterable[AgreementYear]) -> dict[int, Usage]:
    """Usage of each agreement year, keyed by its id (two queries whatever the number)."""
    years = list(years)
    usage = {y.pk: Usage(agreed=y.capacity()) for y in years}
    ids = list(usage)
    proposals = Proposal.objects.filter(
        agreement_year_id__in=ids, status__in=Proposal.ACTIVE
    ).values_list("agreement_year_id", "status", "demand", "case__status")
    for year_id, status, demand, case_status in proposals:
        if status == Proposal.Status.PENDING:
            bucket = "proposed"
        elif case_status == PlacementCase.Status.ARRIVED:
            bucket = "arrived"
        else:
            bucket = "accepted"
        _add(getattr(usage[year_id], bucket), demand)
    for year_id, demand in SelfArrangedMove.objects.filter(agreement_year_id__in=ids).values_list(
        "agreement_year_id", "demand"
    ):
        _add(usage[year_id].arrived, demand)
    return usage


def lock_usage(year_pk: int, *, with_agreement: bool = False) -> tuple[AgreementYear, Usage]:
    """Lock the agreement year row (SELECT … FOR UPDATE) and count its usage inside the lock.

    Call inside a transaction; the row stays locked until it ends. `with_agreement` also
    fetches (and so, on PostgreSQL, locks) the agreement row in the same query.
    """
    queryset = AgreementYear.objects.select_for_update()
    if with_agreement:
        queryset = queryset.select_related("agreement")
    year = queryset.get(pk=year_pk)
    return year, usage_by_year([year])[year.pk]


def _add(target: dict[str, int], demand: dict[str, int]) -> None:
    for d in DIMENSIONS:
        target[d] += int(demand.get(d, 0))


def dimension_labels(dimensions: Iterable[str]) -> str:
    from .models import DIMENSION_LABELS

    return ", ".join(str(DIMENSION_LABELS[d]) for d in dimensions)


class CapacityExceeded(ConflictError):
    """Placing the case would exceed the agreed places in these dimensions. A validation
    error, so that forms and the run sender report it like any other; the API answers 409
    with the dimensions."""

    conflict_code = "capacity_exceeded"

    def __init__(self, dimensions: list[str]):
        self.dimensions = dimensions
        super().__init__(
            _("No free places left for: %(dimensions)s.")
            % {"dimensions": dimension_labels(dimensions)},
            code="capacity_exceeded",
        )

    def payload(self) -> dict:
        return {"dimensions": self.dimensions}
