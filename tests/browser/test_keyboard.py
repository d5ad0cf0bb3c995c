"""Keyboard-only use: the skip link, the login page, the person form and the optimiser run
page are gone through with Tab; every control is reached in document order with a visible focus
indicator (an outline of at least 2 px with at least 3:1 contrast against what is behind it,
WCAG 2.4.3, 2.4.7, 1.4.11), and after a failed submit the error summary has the focus and its
links lead to the fields (WCAG 3.3.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from kotopaikka.portal.demo import DEMO_PASSWORD

from .a11y import distinct_in_order, focus_indicator, mark_focusable, tab_through
from .conftest import log_in_as

SKIP_LINK_FI = "Siirry sisältöön"
SUMMARY = "[data-kp-error-summary]"


def _assert_every_control_in_order_with_visible_focus(page) -> None:
    """Tab from the top of the page to its end."""
    expected = mark_focusable(page)
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops = tab_through(page)
    reached = distinct_in_order(stops)
    assert reached == list(range(len(expected))), (
        "Tab order differs from the document order:\nexpected "
        + "\n  ".join(expected)
        + "\nreached "
        + "\n  ".join(expected[i] if i is not None else "(not a control)" for i in reached)
    )
    invisible = [
        f"{s['element']}: outline {s['outline_width']} px, contrast {s['contrast']:.2f}"
        for s in stops
        if s["outline_width"] < 2 or s["contrast"] < 3
    ]
    assert not invisible, "focus not visible (>= 2 px, >= 3:1) on:\n" + "\n".join(invisible)


@pytest.mark.browser
def test_skip_link_is_the_first_tab_stop_and_leads_to_the_content(page, kp_server):
    page.goto("/accounts/login/")
    expect(page.locator("h1.kp-page-title")).to_be_visible()

    page.keyboard.press("Tab")

    first_stop = page.evaluate("() => document.activeElement.outerHTML.slice(0, 160)")
    assert 'class="skip-link"' in first_stop, (
        f"the first Tab stop of the login page is {first_stop!r}, not the skip link "
        "(an autofocus attribute moves the starting point past it)"
    )
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("href", "#main")
    expect(focused).to_have_text(SKIP_LINK_FI)
    expect(focused).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_username")).to_be_focused()


@pytest.mark.browser
def test_login_form_submits_with_the_keyboard(page, kp_server):
    page.goto("/accounts/login/")
    username = page.locator("#id_username")
    username.focus()

    page.keyboard.type("officer")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{kp_server.url}/")
    expect(page.locator("h1.kp-page-title")).to_have_text("Tervetuloa Kotopaikkaan")
    expect(page.get_by_test_id("acting-role")).to_be_visible()


@pytest.mark.browser
def test_every_control_of_the_login_page_in_order_with_visible_focus(page, kp_server):
    page.goto("/accounts/login/")
    _assert_every_control_in_order_with_visible_focus(page)


@pytest.mark.browser
def test_a_failed_login_puts_the_focus_on_the_error_summary(page, kp_server):
    page.goto("/accounts/login/")
    page.locator("#id_username").focus()
    page.keyboard.type("nobody-by-this-name")
    page.keyboard.press("Tab")
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")

    summary = page.locator(SUMMARY)
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    indicator = focus_indicator(page)
    assert indicator["outline_width"] >= 2 and indicator["contrast"] >= 3, indicator
    expect(summary.locator("ul > li")).to_have_count(1)
    assert summary.evaluate("el => el.querySelector('[role=alert]') !== null")
    assert page.locator("ul[role=alert]").count() == 0  # the list keeps its semantics

    page.keyboard.press("Tab")  # the error's link leads to the first field
    expect(summary.locator("a")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_username")).to_be_focused()


@pytest.mark.browser
def test_every_control_of_the_person_form_in_order_with_visible_focus(page, kp_server):
    log_in_as(page, "officer")
    page.goto("/persons/new/")
    expect(page.locator("#id_date_of_birth")).to_be_visible()
    _assert_every_control_in_order_with_visible_focus(page)


@pytest.mark.browser
def test_the_date_input_keeps_a_visible_focus_on_each_of_its_parts(page, kp_server):
    """Each Tab stop of a date input (day, month, year and the calendar button) shows the
    ring: the calendar button used to leave the input without one (issue 16, point 5)."""
    log_in_as(page, "officer")
    page.goto("/persons/new/")
    page.locator("#id_other_names").focus()
    stops = []
    for _ in range(6):
        page.keyboard.press("Tab")
        stop = focus_indicator(page)
        if "date_of_birth" not in stop["element"]:
            break
        stops.append(stop)
    assert len(stops) >= 3, stops  # the parts of the date are separate stops in Chromium
    assert all(s["outline_width"] >= 2 and s["contrast"] >= 3 for s in stops), stops


@pytest.mark.browser
def test_a_failed_person_form_focuses_the_summary_whose_links_lead_to_the_fields(page, kp_server):
    log_in_as(page, "officer")
    page.goto("/persons/new/")
    page.locator("main form.kp-form button[type=submit]").focus()
    page.keyboard.press("Enter")

    summary = page.locator(SUMMARY)
    expect(summary).to_be_focused()
    links = summary.locator("a")
    assert links.count() >= 2  # given names and family name are required
    for i in range(links.count()):
        link = links.nth(i)
        target = link.get_attribute("href")
        assert page.locator(target).count() == 1, f"{target} names no field"
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_given_names")).to_be_focused()
    expect(page.locator("#id_given_names")).to_have_attribute("aria-invalid", "true")
    described = page.locator("#id_given_names").get_attribute("aria-describedby").split()
    assert "id_given_names_error" in described
    for ref in described:
        assert page.locator(f"#{ref}").count() == 1, f"aria-describedby names no element {ref}"


@pytest.fixture(scope="module")
def waiting_case(kp_server, django_db_blocker):
    """One case waiting in Uusimaa and places in Helsinki, for an optimiser run: committed for
    the module (outside a test's transaction, which the server's own connection would not see
    on PostgreSQL) and deleted with the module's other rows (conftest.kp_server)."""
    from kotopaikka.placement import services as placement
    from kotopaikka.portal.demo import _actor

    officer = _actor("officer")
    with django_db_blocker.unblock():
        placement.agreement_save(
            actor=officer,
            municipality_code="091",
            valid_from=dt.date(dt.date.today().year, 1, 1),
            valid_until=None,
            years={dt.date.today().year: {"persons": 10}},
            services=[],
            accepts_emergency_cases=False,
            wellbeing_county_consulted_on=None,
        )
        placement.case_create(
            actor=officer,
            data=placement.CaseData(
                reference="147-66600001",
                members=[placement.MemberData(age=30), placement.MemberData(age=4)],
            ),
        )


@pytest.mark.browser
def test_every_control_of_the_run_page_in_order_with_visible_focus(page, kp_server, waiting_case):
    log_in_as(page, "officer")
    page.goto("/placement/")
    page.get_by_test_id("run-optimiser").click()
    expect(page.get_by_test_id("run-row-147-66600001")).to_be_visible()
    _assert_every_control_in_order_with_visible_focus(page)
