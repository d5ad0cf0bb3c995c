"""The real Finnish municipalities (2025 division) from the registry's CSV file.

Source: Statistics Finland; Ministry of Economic Affairs and Employment (Employment Service
Statistics); CC BY 4.0 (see kotopaikka/registry/data/README.md). Read with the standard ``csv``
module relative to the package, so no Django is needed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "registry" / "data" / "municipalities_2025.csv"
ATTRIBUTION = (
    "Municipality data: Statistics Finland; Ministry of Economic Affairs and Employment "
    "(Employment Service Statistics), CC BY 4.0"
)

#: language_status_code in the CSV.
LANGUAGE_STATUS = {
    "0": "fi",  # monolingual Finnish
    "1": "fi-sv",  # bilingual, Finnish majority
    "2": "sv",  # monolingual Swedish
    "3": "sv-fi",  # bilingual, Swedish majority
}


@dataclass(frozen=True, slots=True)
class RealMunicipality:
    code: str
    name_fi: str
    name_sv: str
    region_code: str
    region_fi: str
    wellbeing_county_code: str
    language: str  # fi | fi-sv | sv | sv-fi
    group: str  # Urban / Semi-urban / Rural municipalities
    population: int
    unemployment_pct: float

    @property
    def swedish_speaking(self) -> bool:
        return self.language != "fi"


@cache
def real_municipalities(path: str | None = None) -> tuple[RealMunicipality, ...]:
    """All 308 municipalities, sorted by code."""
    p = Path(path) if path else DATA_FILE
    with p.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = [
        RealMunicipality(
            code=r["municipality_code"],
            name_fi=r["name_fi"],
            name_sv=r["name_sv"],
            region_code=r["region_code"],
            region_fi=r["region_fi"],
            wellbeing_county_code=r["wellbeing_county_code"],
            language=LANGUAGE_STATUS[r["language_status_code"]],
            group=r["municipality_group_en"],
            population=int(r["population_2024_12_prelim"]),
            unemployment_pct=float(r["unemployed_share_2024_mean_pct"]),
        )
        for r in rows
    ]
    return tuple(sorted(out, key=lambda m: m.code))
