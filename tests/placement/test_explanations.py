"""A run's explanations in the reader's language: municipality names, never codes; reasons in
plain words from the catalogues; the method and gap in words; a linked group as one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kotopaikka.placement import explanations as ex
from kotopaikka.placement import runs, services
from kotopaikka.placement.models import OptimiserRun

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year
NAMES_SV = {"091": "Helsingfors", "049": "Esbo", "092": "Vanda"}


def test_each_reason_reads_in_finnish_and_swedish():
    full = {
        "municipality": "049",
        "reason": "capacity_full",
        "details": {"dimension": "persons", "free": 1.0, "needed": 3.0},
    }
    need = {
        "municipality": "092",
        "reason": "need_not_met",
        "details": {"needs": ["accessible_dwelling"]},
    }
    lower = {
        "municipality": "049",
        "reason": "lower_score",
        "delta": -0.25,
        "details": {"by": 0.25, "component": "outcome", "component_difference": -0.25},
    }
    with translation.override("sv"):
        assert ex.alternative_text(full, NAMES_SV) == "fullsatt: 1 personer kvar, 3 behövs"
        text = ex.alternative_text(need, NAMES_SV)
        assert text.startswith("Vanda ") and "tillgänglig bostad" in text
        text = ex.alternative_text(lower, NAMES_SV)
        assert "0,25" in text and "förväntad sysselsättning" in text
        assert ex.method_text("decompose", "gap_met", 0.0009) == (
            "dekomposition, bevisad avvikelse från optimum 0,09 %"
        )
        assert ex.method_text("exact", "optimal", 0.0) == "exakt, bevisat optimal"
    with translation.override("fi"):
        assert "esteetön asunto" in ex.alternative_text(need, {"092": "Vantaa"})
        assert ex.method_text("exact", "optimal", 0.0).endswith("todistetusti optimaalinen")
    with translation.override("en"):
        assert ex.alternative_text(full, {"049": "Espoo"}) == "full: 1 persons left, 3 needed"


def test_a_linked_group_and_an_unplaced_fix_read_as_sentences():
    group_full = {
        "municipality": "049",
        "reason": "capacity_full",
        "details": {
            "dimension": "persons",
            "free": 2.0,
            "needed": 5.0,
            "linked_group": "G7",
            "group_cases": 2,
        },
    }
    unplaced = {
        "reason": "capacity_full",
        "details": {
            "allowed": 2,
            "fix": {
                "kind": "more_places",
                "municipality": "092",
                "dimension": "persons",
                "more": 2,
            },
        },
    }
    with translation.override("en"):
        assert ex.alternative_text(group_full, {"049": "Espoo"}) == (
            "the linked group G7 (2 cases) would not fit together: 2 persons left, 5 needed"
        )
        text = ex.unplaced_text(unplaced, {"092": "Vantaa"})
        assert text.endswith("2 more persons in Vantaa would place it.")
    with translation.override("sv"):
        text = ex.unplaced_text(unplaced, NAMES_SV)
        assert "Vanda" in text and "092" not in text


def test_the_run_page_in_swedish_names_municipalities_and_the_policy(
    uusimaa_officer, client_for, trained_model, django_capture_on_commit_callbacks
):
    for code in ("091", "049", "092"):
        services.agreement_save(
            actor=uusimaa_officer,
            municipality_code=code,
            valid_from=dt.date(YEAR, 1, 1),
            valid_until=None,
            years={YEAR: {"persons": 5}},
            services=[],
            accepts_emergency_cases=False,
            wellbeing_county_consulted_on=None,
        )
    for n in range(3):
        services.case_create(
            actor=uusimaa_officer,
            data=services.CaseData(
                reference=f"147-8300000{n}",
                members=[services.MemberData(age=30 + n, education_years=4 * n)],
            ),
        )
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.optimiser_run_start(actor=uusimaa_officer, year=YEAR, time_limit=5)
    run.refresh_from_db()
    assert run.status == OptimiserRun.Status.DONE
    officer = client_for(uusimaa_officer)
    officer.cookies["django_language"] = "sv"  # the user's choice (the UI ignores the browser's)
    page = officer.get(reverse("placement:run", kwargs={"run_id": run.pk}))
    html = page.content.decode()
    assert "Gällande placeringspolicy" in html
    assert "Helsingfors" in html and "Esbo" in html
    assert "förväntad sysselsättning" in html
    assert "bevisat optimal" in html or "bevisad avvikelse" in html
    model_cell = html.split('data-testid="run-model"')[1].split("</dd>")[0]
    assert "syntetisk" in model_cell  # the model was trained on synthetic history


def test_a_cases_ties_and_wishes_are_shown_by_name(uusimaa_officer, client_for):
    case = services.case_create(
        actor=uusimaa_officer,
        data=services.CaseData(
            reference="147-83000099",
            members=[services.MemberData(age=40)],
            ties=["049"],
            wishes=["091"],
        ),
    )
    officer = client_for(uusimaa_officer)
    officer.cookies["django_language"] = "sv"
    html = officer.get(reverse("placement:case", kwargs={"case_id": case.pk})).content.decode()
    assert "<dd>Esbo</dd>" in html and "<dd>Helsingfors</dd>" in html
