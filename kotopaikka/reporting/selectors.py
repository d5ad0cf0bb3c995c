"""National aggregates. No personal data leaves here: only counts, with small cells suppressed.

What is published (the statistics page, `/api/v1/statistics/`) is `published_summary`: the
counts of `national_summary` with every count from 1 to SMALL_CELL hidden (primary
suppression), and, where a hidden count could be worked out from the table's totals by
subtraction, one more count of the same sum hidden too (secondary suppression, see
`protect`). docs/statistics.md explains the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from kotopaikka.access.policy import Actor, require
from kotopaikka.access.roles import Op
from kotopaikka.people.models import Person
from kotopaikka.registry.models import Region

#: Counts from 1 to this value are hidden, to prevent identification.
SMALL_CELL = 4


@dataclass(frozen=True)
class RegionCount:
    region: Region
    persons: int


@dataclass(frozen=True)
class NationalSummary:
    """The true counts (not for publication as such: see `published_summary`)."""

    total_persons: int
    with_municipality: int
    waiting: int
    by_region: list[RegionCount]


@dataclass(frozen=True)
class PublishedRegion:
    region: Region
    persons: int | None  # None: hidden


@dataclass(frozen=True)
class PublishedSummary:
    """What may be shown: each count, or None where it is hidden."""

    total_persons: int | None
    with_municipality: int | None
    waiting: int | None
    by_region: list[PublishedRegion]


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


def protect(
    cells: dict[str, int], sums: Iterable[tuple[str, list[str]]], small: int = SMALL_CELL
) -> set[str]:
    """The cells to hide in a table of counts whose `sums` are published beside them (each
    `(total, parts)`: cells[total] == sum of cells[parts]).

    Primary suppression hides every count from 1 to `small`. Then, as long as some sum has
    exactly one hidden cell among its total and parts, that cell would be the total minus the
    others (or the sum of the parts): one more cell of that sum is hidden, the smallest
    non-zero one (a zero only when there is none), preferring one that opens no other sum.
    Repeated until no sum has exactly one hidden cell, so no hidden count is the difference of
    published ones. (A sum with two or more hidden cells tells only their total.)"""
    sums = [(total, list(parts)) for total, parts in sums]
    hidden = {key for key, value in cells.items() if 0 < value <= small}
    while True:
        exposed = [[total, *parts] for total, parts in sums]
        exposed = [m for m in exposed if sum(k in hidden for k in m) == 1]
        if not exposed:
            return hidden
        members = exposed[0]

        def cost(key: str, members=members) -> tuple:
            opens = sum(  # other sums that this cell would leave with one hidden cell
                1
                for total, parts in sums
                if key in (total, *parts)
                and [total, *parts] != members
                and not any(k in hidden for k in (total, *parts))
            )
            return (cells[key] == 0, opens, cells[key], key)

        hidden.add(min((k for k in members if k not in hidden), key=cost))


def published_summary(*, actor: Actor) -> PublishedSummary:
    """The summary as the statistics page and API publish it (small counts hidden, and the
    counts that would reveal them)."""
    summary = national_summary(actor=actor)
    cells = {
        "total_persons": summary.total_persons,
        "with_municipality": summary.with_municipality,
        "waiting": summary.waiting,
        **{f"region:{r.region.code}": r.persons for r in summary.by_region},
    }
    hidden = protect(
        cells,
        [
            ("total_persons", ["with_municipality", "waiting"]),
            ("with_municipality", [f"region:{r.region.code}" for r in summary.by_region]),
        ],
    )

    def shown(key: str) -> int | None:
        return None if key in hidden else cells[key]

    return PublishedSummary(
        total_persons=shown("total_persons"),
        with_municipality=shown("with_municipality"),
        waiting=shown("waiting"),
        by_region=[
            PublishedRegion(r.region, shown(f"region:{r.region.code}")) for r in summary.by_region
        ],
    )
