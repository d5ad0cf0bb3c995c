"""The weekly placement path in the browser: agreements, import, an optimiser run whose
proposals are sent, a municipality
declining one case and accepting another, the declined case back in the queue, the placement
decision, arrival, and the dashboard numbers moving accordingly."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from kotopaikka.placement.models import PlacementCase, Proposal

TODAY = dt.date.today()
CSV = "\n".join(
    [
        "reference,kind,nationality,age,sex,education_years,languages",
        "147-55500001,quota,AFG,36,female,10,prs",
        "147-55500001,quota,AFG,9,male,3,prs",
        "147-55500002,quota,SYR,41,male,12,ara",
        "147-55500002,quota,SYR,39,female,9,ara",
        "147-55500002,quota,SYR,7,female,1,ara",
    ]
).encode()


def _number(page, test_id: str) -> int:
    return int(page.get_by_test_id(test_id).inner_text().split()[0])


def _submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} [type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_officer_and_municipality_walk_the_whole_placement_path(browser, kp_server, log_in):
    def new_page():
        context = browser.new_context(base_url=kp_server.url)
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        return context.new_page()

    analyst = new_page()
    log_in(analyst, "analyst")
    analyst.goto(f"/placement/dashboard/?year={TODAY.year}")
    arrived_before = _number(analyst, "nation-arrived")
    agreed_before = _number(analyst, "nation-agreed")

    officer = new_page()
    log_in(officer, "officer")
    officer.goto("/placement/agreements/edit/")
    officer.locator("#id_municipality").fill("091")
    officer.locator("#id_valid_from").fill(f"{TODAY.year}-01-01")
    officer.locator("#id_year").fill(str(TODAY.year))
    officer.locator("#id_persons").fill("12")
    _submit(officer, "form.kp-form")
    expect(officer.get_by_test_id("usage-091")).to_be_visible()

    officer.goto("/placement/cases/import/")
    officer.locator("#id_file").set_input_files(
        {"name": "cases.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    _submit(officer, "form.kp-form")
    expect(officer.get_by_test_id("import-created")).to_contain_text("2")

    officer.goto("/placement/")
    officer.get_by_test_id("run-optimiser").click()
    officer.wait_for_load_state()
    for reference in ("147-55500001", "147-55500002"):
        expect(officer.get_by_test_id(f"run-row-{reference}")).to_contain_text("Helsinki")
    expect(officer.get_by_test_id("run-gap")).to_be_visible()
    _submit(officer, "form[action$='/send/']")
    assert (
        Proposal.objects.filter(
            case__reference__startswith="147-555", municipality__code="091"
        ).count()
        == 2
    )

    worker = new_page()
    log_in(worker, "helsinki")
    worker.goto("/placement/proposals/")
    first = worker.get_by_test_id("inbox-147-55500001")
    first.locator("input[value=decline]").check()
    first.locator("select[name=reason]").select_option("no_housing")
    first.locator("[type=submit]").click()
    worker.wait_for_load_state()
    worker.goto("/placement/proposals/")
    second = worker.get_by_test_id("inbox-147-55500002")
    second.locator("input[value=accept]").check()
    second.locator("[type=submit]").click()
    worker.wait_for_load_state()

    declined = PlacementCase.objects.get(reference="147-55500001")
    assert declined.status == PlacementCase.Status.WAITING
    assert list(declined.excluded_municipalities.values_list("code", flat=True)) == ["091"]
    officer.goto("/placement/")
    expect(officer.locator("table")).to_contain_text("147-55500001")

    accepted = Proposal.objects.get(case__reference="147-55500002", status=Proposal.Status.ACCEPTED)
    officer.goto(f"/placement/cases/{accepted.case_id}/")
    _submit(officer, "form[action*='/decision/']")
    worker.goto(f"/placement/cases/{accepted.case_id}/")
    worker.locator("form[action*='/arrival/'] input[name$=arrived_on]").fill(TODAY.isoformat())
    _submit(worker, "form[action*='/arrival/']")
    assert PlacementCase.objects.get(pk=accepted.case_id).status == PlacementCase.Status.ARRIVED

    analyst.goto(f"/placement/dashboard/?year={TODAY.year}")
    assert _number(analyst, "nation-arrived") == arrived_before + 3
    assert _number(analyst, "nation-agreed") == agreed_before + 12
