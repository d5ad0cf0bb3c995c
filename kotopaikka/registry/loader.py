"""Idempotent loading of the shipped reference data into the registry tables.

Running the loader again on unchanged files writes nothing: each row is compared with what is
stored and saved only when a value differs. That keeps change history (django-auditlog) free of
noise and makes "load twice, nothing changes" testable.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction

from .models import Municipality, Organisation, Region, RegionalAuthority, WellbeingCounty

DATA_DIR = Path(__file__).resolve().parent / "data"

ELY_VALID_UNTIL = dt.date(2025, 12, 31)
EVK_VALID_FROM = dt.date(2026, 1, 1)
#: Statistics Finland files Åland under ELY code 16, which is not an ELY centre.
ALAND_PSEUDO_ELY = "16"
POPULATION_DATE = dt.date(2024, 12, 31)

LANGUAGE_STATUS = {
    "0": Municipality.LanguageStatus.FINNISH,
    "1": Municipality.LanguageStatus.BILINGUAL_FI,
    "2": Municipality.LanguageStatus.SWEDISH,
    "3": Municipality.LanguageStatus.BILINGUAL_SV,
}

#: National organisations (not in the Statistics Finland files). Names from the glossary.
NATIONAL_ORGANISATIONS: list[dict[str, Any]] = [
    {
        "code": "tem",
        "kind": Organisation.Kind.MINISTRY,
        "name_fi": "Työ- ja elinkeinoministeriö",
        "name_sv": "Arbets- och näringsministeriet",
        "name_en": "Ministry of Economic Affairs and Employment",
    },
    {
        "code": "keha",
        "kind": Organisation.Kind.KEHA,
        "name_fi": "KEHA-keskus",
        "name_sv": "UF-centret",
        "name_en": "KEHA Centre",
    },
    {
        "code": "migri",
        "kind": Organisation.Kind.IMMIGRATION_SERVICE,
        "name_fi": "Maahanmuuttovirasto",
        "name_sv": "Migrationsverket",
        "name_en": "Finnish Immigration Service",
    },
    # The two state-run reception centres. Others (run by the Red Cross, municipalities or
    # companies under contract) change often and are added in the admin as agreed.
    {
        "code": "reception-joutseno",
        "kind": Organisation.Kind.RECEPTION_CENTRE,
        "name_fi": "Joutsenon vastaanottokeskus",
        "name_sv": "Joutseno förläggning",
        "name_en": "Joutseno reception centre",
        "located_in": "405",
    },
    {
        "code": "reception-oulu",
        "kind": Organisation.Kind.RECEPTION_CENTRE,
        "name_fi": "Oulun vastaanottokeskus",
        "name_sv": "Uleåborgs förläggning",
        "name_en": "Oulu reception centre",
        "located_in": "564",
    },
]


@dataclass
class LoadReport:
    """What a load did, per model: rows created, updated and left unchanged."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, model: type[models.Model], outcome: str) -> None:
        per_model = self.counts.setdefault(
            model.__name__, {"created": 0, "updated": 0, "unchanged": 0}
        )
        per_model[outcome] += 1

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def lines(self) -> Iterable[str]:
        for name, c in self.counts.items():
            yield f"{name}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"


def _upsert(
    report: LoadReport | None,
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
) -> tuple[models.Model, str]:
    """Create or update one row, saving only if something differs; returns (row, outcome).

    The outcome is added to `report` unless it is None (the caller then reports it itself).
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        outcome = "created"
    else:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
        outcome = "updated" if changed else "unchanged"
    if report is not None:
        report.add(model, outcome)
    return obj, outcome


def _read(name: str, data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _names(row: dict[str, str]) -> dict[str, str]:
    return {
        "name_fi": row["name_fi"],
        "name_sv": row.get("name_sv", ""),
        "name_en": row.get("name_en", ""),
    }


@transaction.atomic
def load_registry(data_dir: Path = DATA_DIR) -> LoadReport:
    """Load or update all reference data from `data_dir`. Safe to run any number of times."""
    report = LoadReport()

    regions = {
        row["region_code"]: _upsert(report, Region, {"code": row["region_code"]}, _names(row))[0]
        for row in _read("regions_maakunnat_2025.csv", data_dir)
    }
    counties = {
        row["wellbeing_county_code"]: _upsert(
            report, WellbeingCounty, {"code": row["wellbeing_county_code"]}, _names(row)
        )[0]
        for row in _read("wellbeing_services_counties_2025.csv", data_dir)
    }
    elys = {
        row["ely_code"]: _upsert(
            report,
            RegionalAuthority,
            {"kind": RegionalAuthority.Kind.ELY, "code": row["ely_code"]},
            {**_names(row), "valid_from": None, "valid_until": ELY_VALID_UNTIL},
        )[0]
        for row in _read("ely_centres_2025.csv", data_dir)
        if row["ely_code"] != ALAND_PSEUDO_ELY
    }
    evks = {
        row["evk_code"]: _upsert(
            report,
            RegionalAuthority,
            {"kind": RegionalAuthority.Kind.EVK, "code": row["evk_code"]},
            {**_names(row), "valid_from": EVK_VALID_FROM, "valid_until": None},
        )[0]
        for row in _read("elinvoimakeskukset_2026.csv", data_dir)
    }

    for row in _read("municipalities_2025.csv", data_dir):
        share = row["unemployed_share_2024_mean_pct"]
        municipality, outcome = _upsert(
            None,
            Municipality,
            {"code": row["municipality_code"]},
            {
                **_names(row),
                "language_status": LANGUAGE_STATUS[row["language_status_code"]],
                "region": regions[row["region_code"]],
                "wellbeing_county": counties[row["wellbeing_county_code"]],
                "population": int(row["population_2024_12_prelim"]),
                "population_date": POPULATION_DATE,
                "unemployment_share": Decimal(share) if share else None,
            },
        )
        wanted = {evks[row["evk_code_2026"]].pk}
        if row["ely_code_2025"] != ALAND_PSEUDO_ELY:
            wanted.add(elys[row["ely_code_2025"]].pk)
        current = set(municipality.regional_authorities.values_list("pk", flat=True))
        if current != wanted:
            municipality.regional_authorities.set(wanted)
            if outcome == "unchanged":
                outcome = "updated"
        report.add(Municipality, outcome)
        _upsert(
            report,
            Organisation,
            {"code": f"municipality-{municipality.code}"},
            {
                **_names(row),
                "kind": Organisation.Kind.MUNICIPALITY,
                "municipality": municipality,
            },
        )

    for authority in (*elys.values(), *evks.values()):
        _upsert(
            report,
            Organisation,
            {"code": f"{authority.kind}-{authority.code}"},
            {
                "name_fi": authority.name_fi,
                "name_sv": authority.name_sv,
                "name_en": authority.name_en,
                "kind": Organisation.Kind.REGIONAL_AUTHORITY,
                "regional_authority": authority,
                "is_active": authority.valid_until is None
                or authority.valid_until >= dt.date.today(),
            },
        )
    for county in counties.values():
        _upsert(
            report,
            Organisation,
            {"code": f"wellbeing-{county.code}"},
            {
                "name_fi": county.name_fi,
                "name_sv": county.name_sv,
                "name_en": county.name_en,
                "kind": Organisation.Kind.WELLBEING_COUNTY,
                "wellbeing_county": county,
            },
        )
    for spec in NATIONAL_ORGANISATIONS:
        values = {k: v for k, v in spec.items() if k not in ("code", "located_in")}
        if "located_in" in spec:
            values["located_in"] = Municipality.objects.get(code=spec["located_in"])
        _upsert(report, Organisation, {"code": spec["code"]}, values)
    return report
