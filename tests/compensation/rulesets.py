"""Rule sets and person builders for the engine's table-driven cases (no database).

* `SHIPPED`: the rows of data/compensation_rules.csv exactly as shipped (every value the
  sources leave unknown unset, the month rules included).
* `ENTERED`: SHIPPED plus the five month rules as two handlers would enter them (the
  reading in docs/compensation.md), not provisional: old-Act months compute in full.
* `DEMO`: ENTERED plus the demonstration's provisional values (data/provisional_demo.csv)
  for everything still unset: the new-Act months compute, marked provisional.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from decimal import Decimal

from kotopaikka.compensation.engine import (
    Group,
    Key,
    MunicipalityInfo,
    PersonFacts,
    Residence,
    RuleRow,
    RuleSet,
)
from kotopaikka.compensation.loader import demo_rows, shipped_rows

_ids = itertools.count(1)
SHIPPED_ROWS = [
    RuleRow(
        id=next(_ids),
        key=r["key"],
        kind=r["kind"],
        valid_from=r["valid_from"],
        valid_until=r["valid_until"],
        value=r["value"],
    )
    for r in shipped_rows()
]
MONTH_RULES = (Key.MONTH_FIRST, Key.MONTH_LAST, Key.MONTH_AGE_BAND, Key.MONTH_CITIZENSHIP)
MONTH_RULES += (Key.MONTH_AMOUNT,)


def _with(rows: list[RuleRow], values: dict[tuple[str, str, dt.date], Decimal], provisional):
    return [
        dataclasses.replace(
            row, value=values[(row.key, row.kind, row.valid_from)], provisional=provisional
        )
        if row.value is None and (row.key, row.kind, row.valid_from) in values
        else row
        for row in rows
    ]


ENTERED_ROWS = _with(
    SHIPPED_ROWS, {(str(k), "", dt.date(2012, 1, 1)): Decimal(1) for k in MONTH_RULES}, False
)
DEMO_ROWS = _with(
    ENTERED_ROWS,
    {(r["key"], r["kind"], r["valid_from"]): r["value"] for r in demo_rows()},
    True,
)
SHIPPED, ENTERED, DEMO = RuleSet(SHIPPED_ROWS), RuleSet(ENTERED_ROWS), RuleSet(DEMO_ROWS)


def without(rows: list[RuleRow], key: Key) -> RuleSet:
    """The rule set with `key`'s rows unset again."""
    return RuleSet(dataclasses.replace(r, value=None) if r.key == key else r for r in rows)


MUNICIPALITIES = {
    "837": MunicipalityInfo("837", "08"),  # Tampere, Pirkanmaa wellbeing services county
    "853": MunicipalityInfo("853", "05"),  # Turku, Varsinais-Suomi
    "049": MunicipalityInfo("049", "03"),  # Espoo, Länsi-Uusimaa
    "179": MunicipalityInfo("179", "15"),  # Jyväskylä, Keski-Suomi
    "091": MunicipalityInfo("091", "90", city_is_county=True),  # City of Helsinki
    "478": MunicipalityInfo("478", None, aland=True),  # Mariehamn, Åland
}

_persons = itertools.count(1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def person(
    group: Group,
    born: str,
    *,
    lives: tuple[tuple[str, str], ...] = (),
    permit: str | None = None,
    citizen: str | None = None,
    abroad: str | None = None,
    died: str | None = None,
    trafficking: bool = False,
) -> PersonFacts:
    """`lives`: (municipality, registered since) in order; the first one is the first
    municipality of residence, each lasts until the day before the next."""
    residences = []
    for i, (code, since) in enumerate(lives):
        until = d(lives[i + 1][1]) - dt.timedelta(days=1) if i + 1 < len(lives) else None
        if abroad and until is None:
            until = d(abroad) - dt.timedelta(days=1)
        residences.append(Residence(code, d(since), until))
    return PersonFacts(
        person_id=f"p{next(_persons)}",
        group=group,
        date_of_birth=d(born),
        residences=tuple(residences),
        first_municipality_on=d(lives[0][1]) if lives else None,
        residence_permit_on=d(permit) if permit else None,
        citizen_on=d(citizen) if citizen else None,
        trafficking_victim=trafficking,
        moved_abroad_on=d(abroad) if abroad else None,
        died_on=d(died) if died else None,
    )
