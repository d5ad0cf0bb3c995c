"""Keyboard-only use of the login page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kotopaikka.portal.demo import DEMO_PASSWORD

SKIP_LINK_FI = "Siirry sisältöön"


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
