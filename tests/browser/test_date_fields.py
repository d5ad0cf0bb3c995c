"""Saving a form untouched keeps every stored date (issue: a Finnish edit form erased the date
of birth, because the date input got `02.03.2011`, which a browser's date picker rejects and
shows empty, so the save sent nothing).

Each edit form that shows a stored date is opened in the browser, in Finnish (the default) and
Swedish, saved without touching anything, and the stored values are compared with those before.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from kotopaikka.people.models import Person
from kotopaikka.placement.models import PlacementAgreement

TODAY = dt.date.today()


def _choose_language(page, code: str) -> None:
    page.locator(f"form.kp-lang button[value={code}]").click()
    page.wait_for_load_state()


def _save(page) -> None:
    page.locator("form.kp-form button[type=submit]").first.click()
    page.wait_for_load_state()


def _date_values(page) -> dict[str, str]:
    """The value each date input of the page holds as the browser sees it ('' = rejected)."""
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('input[type=date]')]"
        ".map(i => [i.name, i.value]))"
    )


@pytest.mark.browser
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_person_edit_saved_untouched_keeps_the_date_of_birth(page, log_in, language):
    person = (
        Person.objects.filter(
            is_synthetic=True,
            municipality__code="091",
            date_of_birth__isnull=False,
            birth_date_precision=Person.BirthDatePrecision.DAY,
        )
        .order_by("id")
        .first()
    )
    assert person is not None, "the demo seed has a Helsinki person with a full date of birth"
    before = (person.date_of_birth, person.birth_date_precision, person.given_names)

    log_in(page, "helsinki")
    if language != "fi":
        _choose_language(page, language)
    page.goto(f"/persons/{person.pk}/edit/")
    assert _date_values(page) == {"date_of_birth": person.date_of_birth.isoformat()}
    _save(page)

    expect(page).to_have_url(f"{page.url.split('/persons/')[0]}/persons/{person.pk}/")
    person.refresh_from_db()
    assert (person.date_of_birth, person.birth_date_precision, person.given_names) == before


@pytest.mark.browser
def test_agreement_revision_saved_untouched_keeps_its_dates_and_places(page, log_in):
    log_in(page, "officer")
    page.goto("/placement/agreements/edit/")
    page.locator("#id_municipality").fill("092")
    page.locator("#id_valid_from").fill(f"{TODAY.year}-02-01")
    page.locator("#id_valid_until").fill(f"{TODAY.year + 2}-12-31")
    page.locator("#id_wellbeing_county_consulted_on").fill(f"{TODAY.year - 1}-11-15")
    page.locator("#id_year").fill(str(TODAY.year))
    page.locator("#id_persons").fill("30")
    _save(page)
    agreement = PlacementAgreement.objects.get(
        municipality__code="092", valid_from=dt.date(TODAY.year, 2, 1)
    )
    before = (
        agreement.valid_from,
        agreement.valid_until,
        agreement.wellbeing_county_consulted_on,
        agreement.years.get(year=TODAY.year).persons,
    )

    page.goto(f"/placement/agreements/{agreement.pk}/")
    page.get_by_role("link", name="Muuta tätä sopimusta").click()
    page.wait_for_load_state()
    assert _date_values(page) == {
        "valid_from": f"{TODAY.year}-02-01",
        "valid_until": f"{TODAY.year + 2}-12-31",
        "wellbeing_county_consulted_on": f"{TODAY.year - 1}-11-15",
    }
    _save(page)

    agreement.refresh_from_db()
    assert agreement.version == 2  # saved, as a revision of the same agreement
    after = (
        agreement.valid_from,
        agreement.valid_until,
        agreement.wellbeing_county_consulted_on,
        agreement.years.get(year=TODAY.year).persons,
    )
    assert after == before


@pytest.mark.browser
def test_a_date_form_shows_its_default_date_to_the_browser(page, log_in):
    """A form whose date starts as today (the self-arranged move) must show it, not empty."""
    log_in(page, "helsinki")
    page.goto("/placement/moves/new/")
    assert _date_values(page)["moved_on"] == TODAY.isoformat()
