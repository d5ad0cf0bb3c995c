"""Issue 12's acceptance in Chromium, in Swedish: the officer runs the optimiser on the demo
queue; the run page shows a non-zero expected-employment component, municipality names, two
alternatives per case that differ between cases, reasons in Swedish and the policy in force;
the officer locks one pair, re-runs, and the lock holds."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kotopaikka.placement.models import OptimiserRun


@pytest.fixture(scope="module")
def demo_queue(kp_server, django_db_blocker):
    """The demo's placement data and its outcome model, committed before the live server
    reads them (see conftest.kp_server, which deletes them after the module)."""
    from django.core.management import call_command

    from kotopaikka.audit.context import command_context
    from kotopaikka.portal.demo_placement import seed_placement

    with django_db_blocker.unblock(), command_context("cli"):
        seed_placement()
        call_command("train_outcome_model")
    return kp_server


@pytest.mark.browser
def test_the_officer_runs_reads_in_swedish_locks_and_reruns(browser, demo_queue, log_in):
    context = browser.new_context(base_url=demo_queue.url)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    log_in(page, "officer")
    page.goto("/")
    page.locator('form.kp-lang button[value="sv"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    page.goto("/placement/")
    page.get_by_test_id("run-optimiser").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("run-method")).to_contain_text("bevisa")  # bevisat / bevisad
    expect(page.get_by_test_id("run-policy")).to_contain_text("placeringspolicy")
    expect(page.get_by_test_id("run-model")).to_contain_text("version 1")

    rows = page.locator("[data-testid^='run-row-']")
    count = rows.count()
    assert count >= 5
    alternatives: set[tuple[str, ...]] = set()
    codes = re.compile(r"\b\d{3}\b")
    for k in range(count):
        row = rows.nth(k)
        outcome = row.locator("[data-component='outcome']").inner_text()
        assert outcome.startswith("förväntad sysselsättning"), outcome
        value = float(outcome.split()[-1].replace(",", "."))
        assert value > 0, outcome
        municipality = row.get_by_test_id("run-municipality").inner_text()
        assert municipality and not codes.search(municipality), municipality
        alts = row.locator("[data-alternative]")
        assert alts.count() == 2
        names = tuple(alts.nth(i).inner_text() for i in range(2))
        assert all(n and not codes.fullmatch(n) for n in names)
        alternatives.add(names)
        text = row.get_by_test_id("run-alternatives").inner_text()
        # every reason is Swedish (none of the optimiser's English words)
        assert not re.search(r"\b(scores|full|does not|needs|declined)\b", text), text
    assert len(alternatives) > 1  # the alternatives differ between cases

    first = rows.first
    reference = first.get_attribute("data-testid").removeprefix("run-row-")
    chosen = first.get_by_test_id("run-municipality").inner_text()
    first.locator("select").select_option("lock")
    page.get_by_role("button", name=re.compile("Kör igen", re.I)).click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("run-method")).to_be_visible()
    again = page.get_by_test_id(f"run-row-{reference}")
    expect(again.get_by_test_id("run-municipality")).to_contain_text(chosen)
    expect(again.get_by_test_id("run-municipality")).to_contain_text("låst")
    newest = OptimiserRun.objects.order_by("-created_at").first()
    assert list(newest.locked.values()) and newest.status == "done"
    context.close()
