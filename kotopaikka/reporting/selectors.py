"""National aggregates. No personal data leaves here: only counts, with small cells suppressed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.people.models import Person
from kotopaikka.registry.models import Region

#: Counts from 1 to this value are shown as "fewer than SMALL_CELL + 1" to prevent identification.
SMALL_CELL = 4


@dataclass(frozen=True)
class RegionCount:
    region: Region
    persons: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.persons <= SMALL_CELL


@dataclass(frozen=True)
class NationalSummary:
    total_persons: int
    with_municipality: int
    waiting: int
    by_region: list[RegionCount]


def national_summary(*, actor: Actor) -> NationalSummary:
    require(actor, Op.REPORTS_VIEW)
    persons = Person.objects.filter(merged_into__isnull=True)  # a merged record counts once
    counts = dict(
        persons.filter(municipality__isnull=False)
        .values_list("municipality__region")
        .annotate(n=Count("pk"))
        .values_list("municipality__region", "n")
    )
    total = persons.count()
    placed = sum(counts.values())
    return NationalSummary(
        total_persons=total,
        with_municipality=placed,
        waiting=total - placed,
        by_region=[
            RegionCount(region, counts.get(region.pk, 0)) for region in Region.objects.all()
        ],
    )
