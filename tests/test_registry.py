"""Reference data: what the loader puts in the registry, and that loading again changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pytest
from auditlog.models import LogEntry
from django.db.models import Count, Q
from django.utils import translation

from kotopaikka.registry.loader import DATA_DIR, load_registry
from kotopaikka.registry.models import (
    Municipality,
    Organisation,
    Region,
    RegionalAuthority,
    WellbeingCounty,
)

pytestmark = pytest.mark.django_db

ELY = RegionalAuthority.Kind.ELY
EVK = RegionalAuthority.Kind.EVK


def _snapshot() -> dict[str, list[tuple]]:
    """Every registry row (and the municipality-authority links) as comparable tuples."""
    snapshot = {
        model.__name__: sorted(tuple(row.items()) for row in model.objects.order_by("pk").values())
        for model in (Region, WellbeingCounty, RegionalAuthority, Municipality, Organisation)
    }
    through = Municipality.regional_authorities.through
    snapshot["links"] = sorted(
        through.objects.values_list("municipality_id", "regionalauthority_id")
    )
    return snapshot


# --- counts -------------------------------------------------------------------------------------


def test_counts_after_load():
    assert Municipality.objects.count() == 308
    assert Region.objects.count() == 19
    assert RegionalAuthority.objects.filter(kind=ELY).count() == 15
    assert RegionalAuthority.objects.filter(kind=EVK).count() == 10
    assert RegionalAuthority.objects.count() == 25
    assert WellbeingCounty.objects.count() == 23


def test_wellbeing_counties_include_helsinki_and_aland():
    codes = set(WellbeingCounty.objects.values_list("code", flat=True))
    assert {f"{n:02d}" for n in range(1, 22)} <= codes
    assert {"90", "91"} <= codes
    assert WellbeingCounty.objects.get(code="91").name_sv == "Åland"


# --- known rows ---------------------------------------------------------------------------------


def test_helsinki():
    helsinki = Municipality.objects.get(code="091")
    assert (helsinki.name_fi, helsinki.name_sv, helsinki.name_en) == (
        "Helsinki",
        "Helsingfors",
        "Helsinki",
    )
    assert helsinki.region.code == "01"
    assert helsinki.language_status == "fi-sv"
    assert helsinki.language_status == Municipality.LanguageStatus.BILINGUAL_FI
    assert helsinki.wellbeing_county.code == "90"
    assert not helsinki.is_aland

    authorities = {(a.kind, a.code): a for a in helsinki.regional_authorities.all()}
    assert set(authorities) == {(ELY, "01"), (EVK, "01")}
    ely, evk = authorities[(ELY, "01")], authorities[(EVK, "01")]
    assert ely.valid_from is None
    assert ely.valid_until == dt.date(2025, 12, 31)
    assert evk.valid_from == dt.date(2026, 1, 1)
    assert evk.valid_until is None


def test_espoo():
    espoo = Municipality.objects.get(code="049")
    assert espoo.name_fi == "Espoo"
    assert espoo.name_sv == "Esbo"
    assert espoo.region.code == "01"
    assert espoo.language_status == Municipality.LanguageStatus.BILINGUAL_FI


def test_aland_municipality_has_no_ely_centre_and_evk_02():
    mariehamn = Municipality.objects.get(code="478")
    assert (mariehamn.name_fi, mariehamn.name_sv) == ("Maarianhamina", "Mariehamn")
    assert mariehamn.is_aland
    assert mariehamn.language_status == Municipality.LanguageStatus.SWEDISH
    assert [(a.kind, a.code) for a in mariehamn.regional_authorities.all()] == [(EVK, "02")]


def test_all_aland_municipalities_lack_an_ely_centre():
    aland = Municipality.objects.filter(wellbeing_county__code="91")
    assert aland.count() == 16
    assert not aland.filter(regional_authorities__kind=ELY).exists()
    # ... and every other municipality has exactly one ELY centre.
    others = (
        Municipality.objects.exclude(wellbeing_county__code="91")
        .annotate(n=Count("regional_authorities", filter=Q(regional_authorities__kind=ELY)))
        .values_list("code", "n")
    )
    assert len(others) == 292
    assert {code: n for code, n in others if n != 1} == {}
    # Åland's pseudo ELY code 16 was not loaded as an authority.
    assert not RegionalAuthority.objects.filter(kind=ELY, code="16").exists()


def test_regional_authority_on_switches_from_ely_to_evk():
    helsinki = Municipality.objects.get(code="091")
    before = helsinki.regional_authority_on(dt.date(2025, 6, 1))
    after = helsinki.regional_authority_on(dt.date(2026, 6, 1))
    assert (before.kind, before.code) == (ELY, "01")
    assert (after.kind, after.code) == (EVK, "01")
    # The boundary days.
    assert helsinki.regional_authority_on(dt.date(2025, 12, 31)).kind == ELY
    assert helsinki.regional_authority_on(dt.date(2026, 1, 1)).kind == EVK


def test_regional_authority_on_for_aland():
    mariehamn = Municipality.objects.get(code="478")
    assert mariehamn.regional_authority_on(dt.date(2025, 6, 1)) is None
    after = mariehamn.regional_authority_on(dt.date(2026, 6, 1))
    assert (after.kind, after.code) == (EVK, "02")


def test_every_municipality_has_exactly_one_evk():
    per_municipality = dict(
        Municipality.objects.annotate(
            n=Count("regional_authorities", filter=Q(regional_authorities__kind=EVK))
        ).values_list("code", "n")
    )
    assert len(per_municipality) == 308
    assert {code: n for code, n in per_municipality.items() if n != 1} == {}


def test_evk_municipality_counts_match_the_published_key():
    with (DATA_DIR / "elinvoimakeskukset_2026.csv").open(encoding="utf-8") as fh:
        expected = {row["evk_code"]: int(row["municipalities"]) for row in csv.DictReader(fh)}
    actual = dict(
        RegionalAuthority.objects.filter(kind=EVK)
        .annotate(n=Count("municipalities"))
        .values_list("code", "n")
    )
    assert actual == expected
    assert sum(actual.values()) == 308


# --- organisations ------------------------------------------------------------------------------


def test_organisations():
    orgs = Organisation.objects
    assert orgs.filter(kind=Organisation.Kind.MUNICIPALITY).count() == 308
    assert orgs.filter(kind=Organisation.Kind.MUNICIPALITY, municipality__isnull=True).count() == 0
    assert orgs.filter(kind=Organisation.Kind.REGIONAL_AUTHORITY).count() == 25
    assert orgs.filter(kind=Organisation.Kind.WELLBEING_COUNTY).count() == 23
    assert orgs.get(code="keha").kind == Organisation.Kind.KEHA
    assert orgs.get(code="tem").kind == Organisation.Kind.MINISTRY
    assert orgs.get(code="migri").kind == Organisation.Kind.IMMIGRATION_SERVICE
    reception = orgs.filter(kind=Organisation.Kind.RECEPTION_CENTRE)
    assert {"reception-joutseno", "reception-oulu"} <= set(reception.values_list("code", flat=True))
    assert orgs.get(code="reception-joutseno").located_in.code == "405"
    assert orgs.get(code="municipality-091").municipality.code == "091"
    assert orgs.get(code="evk-01").regional_authority.kind == EVK


def test_ely_organisations_are_inactive_since_2026():
    authorities = Organisation.objects.filter(kind=Organisation.Kind.REGIONAL_AUTHORITY)
    ely_orgs = authorities.filter(regional_authority__kind=ELY)
    evk_orgs = authorities.filter(regional_authority__kind=EVK)
    assert ely_orgs.count() == 15
    assert evk_orgs.count() == 10
    assert not ely_orgs.filter(is_active=True).exists()
    assert not evk_orgs.filter(is_active=False).exists()


def test_regional_authority_organisation_area():
    area = Organisation.objects.get(code="evk-01").municipalities_in_area()
    codes = set(area.values_list("code", flat=True))
    assert {"091", "049"} <= codes
    assert "478" not in codes
    assert len(codes) == 26


# --- idempotency --------------------------------------------------------------------------------


def test_second_load_changes_nothing():
    before = _snapshot()
    log_entries = LogEntry.objects.count()
    log_max = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()

    report = load_registry()

    assert report.changed == 0, list(report.lines())
    assert report.counts["Municipality"]["unchanged"] == 308
    assert LogEntry.objects.count() == log_entries
    assert LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() == log_max
    assert _snapshot() == before


def _edited_copy(tmp_path, code: str, **changes: str):
    """A copy of the shipped data with one municipality's CSV columns changed."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "municipalities_2025.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fieldnames = reader.fieldnames
        rows = list(reader)
    (row,) = [r for r in rows if r["municipality_code"] == code]
    row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return data


def _move_helsinki_to_evk_02(tmp_path):
    return load_registry(_edited_copy(tmp_path, "091", evk_code_2026="02"))


def test_moving_a_municipality_to_another_evk_is_applied(tmp_path):
    _move_helsinki_to_evk_02(tmp_path)
    helsinki = Municipality.objects.get(code="091")
    assert {(a.kind, a.code) for a in helsinki.regional_authorities.all()} == {
        (ELY, "01"),
        (EVK, "02"),
    }
    area = Organisation.objects.get(code="evk-02").municipalities_in_area()
    assert area.filter(code="091").exists()
    assert not Organisation.objects.get(code="evk-01").municipalities_in_area().filter(code="091")


def test_report_counts_each_municipality_once(tmp_path):
    report = _move_helsinki_to_evk_02(tmp_path)
    assert report.counts["Municipality"] == {"created": 0, "updated": 1, "unchanged": 307}


def test_moving_a_municipality_to_another_evk_is_change_logged(tmp_path):
    last = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _move_helsinki_to_evk_02(tmp_path)
    helsinki = Municipality.objects.get(code="091")
    new = list(LogEntry.objects.get_for_object(helsinki).filter(pk__gt=last))
    assert new, "no change-log entry for the moved municipality"
    assert any("regional_authorities" in (entry.changes or {}) for entry in new)


def test_changed_value_is_updated_on_reload(tmp_path):
    new_population = Municipality.objects.get(code="091").population + 1234
    data = _edited_copy(tmp_path, "091", population_2024_12_prelim=str(new_population))

    before = _snapshot()
    log_entries = LogEntry.objects.count()

    report = load_registry(data)

    assert report.changed == 1, list(report.lines())
    assert report.counts["Municipality"] == {"created": 0, "updated": 1, "unchanged": 307}
    assert Municipality.objects.get(code="091").population == new_population
    # Exactly the one change is logged (django-auditlog), and nothing else moved.
    assert LogEntry.objects.count() == log_entries + 1
    after = _snapshot()
    assert after != before
    for name in ("Region", "WellbeingCounty", "RegionalAuthority", "Organisation", "links"):
        assert after[name] == before[name], name
    changed_rows = set(after["Municipality"]) ^ set(before["Municipality"])
    assert len(changed_rows) == 2  # the old and the new version of Helsinki


# --- names in the active language ---------------------------------------------------------------


def test_name_in_active_language():
    helsinki = Municipality.objects.get(code="091")
    with translation.override("sv"):
        assert helsinki.name == "Helsingfors"
        assert str(helsinki) == "Helsingfors"
    with translation.override("fi"):
        assert helsinki.name == "Helsinki"
    with translation.override("en"):
        assert helsinki.name == "Helsinki"
    region = Region.objects.get(code="01")
    with translation.override("sv"):
        assert region.name == "Nyland"
    with translation.override("fi"):
        assert region.name == "Uusimaa"


def test_name_falls_back_to_finnish():
    helsinki = Municipality.objects.get(code="091")
    helsinki.name_en = ""
    with translation.override("en"):
        assert helsinki.name == "Helsinki"
    helsinki.name_sv = ""
    with translation.override("sv"):
        assert helsinki.name == "Helsinki"
