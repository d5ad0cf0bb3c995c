"""Every demo role logs in through the browser, gets Finnish first and can switch to Swedish."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kotopaikka.portal.demo import DEMO_PASSWORD, DEMO_USERS

HOME_HEADING = {
    "fi": "Tervetuloa Kotopaikkaan",
    "sv": "Välkommen till Kotopaikka",
    "en": "Welcome to Kotopaikka",
}
LOGIN_HEADING_FI = "Kirjaudu Kotopaikkaan"
LOG_OUT = {"fi": "Kirjaudu ulos", "sv": "Logga ut", "en": "Log out"}


def _language_button(page, code: str):
    return page.locator(f'form.kp-lang button.kp-lang__button[value="{code}"]')


@pytest.mark.browser
@pytest.mark.parametrize("username", [user.username for user in DEMO_USERS])
def test_role_logs_in_in_finnish_and_switches_to_swedish(page, kp_server, username):
    html = page.locator("html")
    heading = page.locator("h1.kp-page-title")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(html).to_have_attribute("lang", "fi")
    expect(heading).to_have_text(LOGIN_HEADING_FI)

    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form.kp-form [type=submit]").click()

    expect(page).to_have_url(f"{kp_server.url}/")
    expect(html).to_have_attribute("lang", "fi")
    expect(heading).to_have_text(HOME_HEADING["fi"])
    expect(page.get_by_test_id("acting-role")).to_have_text(re.compile(r"\S"))
    expect(page.locator(".kp-card").first).to_be_visible()
    expect(page.get_by_role("button", name=LOG_OUT["fi"], exact=True)).to_be_visible()

    _language_button(page, "sv").click()

    expect(html).to_have_attribute("lang", "sv")
    expect(heading).to_have_text(HOME_HEADING["sv"])
    expect(_language_button(page, "sv")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name=LOG_OUT["sv"], exact=True)).to_be_visible()
    expect(page.get_by_test_id("acting-role")).to_be_visible()


@pytest.mark.browser
def test_language_choice_sticks_and_english_works(page, kp_server, log_in):
    html = page.locator("html")
    heading = page.locator("h1.kp-page-title")
    log_in(page, "officer")

    _language_button(page, "en").click()
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text(HOME_HEADING["en"])

    # The choice outlives the request that made it (left alone, the UI would be Finnish).
    page.goto("/")
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text(HOME_HEADING["en"])
    expect(page.get_by_role("button", name=LOG_OUT["en"], exact=True)).to_be_visible()

    _language_button(page, "fi").click()
    expect(html).to_have_attribute("lang", "fi")
    expect(heading).to_have_text(HOME_HEADING["fi"])
