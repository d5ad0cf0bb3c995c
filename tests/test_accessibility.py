"""Accessibility without a browser (issue 16): the accessibility statement and its link from
every page, its feedback setting, its consistency with the CI audit and the docs, the form
markup after a failed submit, and the map's colours. The browser audit is
tests/browser/test_accessibility.py."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kotopaikka.placement.maps import LEGEND
from kotopaikka.portal import accessibility, checks

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
AXE_DIR = ROOT / "tests" / "browser" / "vendor" / "axe-core"
HEADINGS = {
    "fi": "Saavutettavuusseloste",
    "sv": "Tillgänglighetsutlåtande",
    "en": "Accessibility statement",
}
STATEMENT_LINK = 'data-testid="accessibility-statement"'


def _anonymous(language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_statement_is_open_to_everyone_in_each_language(language):
    response = _anonymous(language).get(reverse("accessibility_statement"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert f'<h1 class="kp-page-title">{HEADINGS[language]}</h1>' in body
    assert f"<title>{HEADINGS[language]} – Kotopaikka</title>" in body


def test_the_statement_has_the_structure_the_supervising_authority_asks_for(settings):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "saavutettavuus@kunta.example"
    body = _anonymous("fi").get(reverse("accessibility_statement")).content.decode()
    for heading in (
        "Saavutettavuuden tila",
        "Ei-saavutettava sisältö",
        "Miten saavutettavuutta on arvioitu",
        "Palaute",
        "Valvontaviranomainen",
    ):
        assert f">{heading}</h2>" in body, heading
    assert "täyttää saavutettavuusvaatimukset osittain" in body  # conformance status
    for issue in accessibility.KNOWN_ISSUES:  # each with its criteria and its reason
        assert f'data-testid="issue-{issue.key}"' in body
        assert ", ".join(issue.criteria) in body
    assert f"axe-core {accessibility.AXE_CORE_VERSION}" in body
    assert accessibility.MANUAL_CHECK_ON.strftime("%-d.%-m.%Y") in body
    assert 'href="mailto:saavutettavuus@kunta.example"' in body  # the configured channel
    assert 'href="mailto:saavutettavuus@traficom.fi"' in body
    assert 'href="https://www.saavutettavuusvaatimukset.fi/"' in body
    assert "Traficom" in body


def test_conformance_is_partial_while_a_known_issue_remains():
    assert accessibility.KNOWN_ISSUES
    assert accessibility.conformance() == accessibility.PARTIALLY


def test_production_needs_the_feedback_address(settings):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = ""
    assert [e.id for e in checks.feedback_address(None)] == ["portal.E001"]
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "saavutettavuus@kunta.example"
    assert checks.feedback_address(None) == []


def test_every_page_template_links_to_the_statement_in_its_footer(helsinki_worker, client_for):
    """base.html (every page and the error pages that extend it), the stand-alone 500 page
    and the admin site."""
    from django.test import RequestFactory

    from kotopaikka.core.errorpages import server_error

    pages = {
        "login": Client().get(reverse("login")),
        "home": client_for(helsinki_worker).get(reverse("home")),
        "404": client_for(helsinki_worker).get("/no-such-page/"),
        "500": server_error(RequestFactory().get("/")),
    }
    for name, response in pages.items():
        footer = response.content.decode().split("<footer", 1)[-1]
        assert STATEMENT_LINK in footer, name
        assert 'href="/accessibility/"' in footer, name
    admin_base = (ROOT / "kotopaikka/templates/admin/base_site.html").read_text()
    assert "{% block footer %}" in admin_base and STATEMENT_LINK in admin_base


def test_the_statement_axe_version_and_vendored_file_agree():
    source = (AXE_DIR / "SOURCE.txt").read_text()
    assert f"exact version: {accessibility.AXE_CORE_VERSION} " in source
    digest = hashlib.sha256((AXE_DIR / "axe.min.js").read_bytes()).hexdigest()
    assert f"{digest}  axe.min.js" in source
    header = (AXE_DIR / "axe.min.js").read_text()[:40]
    assert header.startswith(f"/*! axe v{accessibility.AXE_CORE_VERSION}")
    assert (AXE_DIR / "LICENSE").exists()


def test_the_docs_list_the_same_known_issues_as_the_statement():
    docs = (ROOT / "docs" / "accessibility.md").read_text()
    for issue in accessibility.KNOWN_ISSUES:
        assert f"`{issue.key}`" in docs, issue.key
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", docs, re.M))
    assert listed == {issue.key for issue in accessibility.KNOWN_ISSUES}
    assert accessibility.AXE_CORE_VERSION in docs
    deps = (ROOT / "docs" / "dependencies.md").read_text()
    assert f"axe-core {accessibility.AXE_CORE_VERSION}" in deps


# --------------------------------------------------------------------------------------------
# Forms after a failed submit


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _check_form_markup(html: str) -> None:
    ids = _ids(html)
    for refs in re.findall(r'aria-describedby="([^"]+)"', html):
        for ref in refs.split():
            assert ref in ids, f"aria-describedby names {ref}, which no element has"
    assert not re.search(r"<ul[^>]*role=\"alert\"", html), "a list with role=alert"
    summary = html.split("data-kp-error-summary", 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a href="#([^"]+)"', summary)
    assert links, "the error summary links to no field"
    for target in links:
        assert target in ids, f"the error summary links to #{target}, which is not there"


def test_a_failed_person_form_has_a_summary_linking_to_its_fields(uusimaa_officer, client_for):
    response = client_for(uusimaa_officer).post(reverse("people:create"), {"given_names": ""})
    assert response.status_code == 400
    html = response.content.decode()
    _check_form_markup(html)
    assert 'id="id_other_names_helptext"' in html  # the id its aria-describedby names
    assert '<a href="#id_given_names">' in html


def test_a_failed_case_form_has_a_summary_linking_to_its_fields(uusimaa_officer, client_for):
    response = client_for(uusimaa_officer).post(reverse("placement:case_create"), {"reference": ""})
    html = response.content.decode()
    _check_form_markup(html)
    for name in ("nationality", "ties", "wishes", "members"):
        assert f'id="id_{name}_helptext"' in html, name


def test_a_failed_login_has_a_summary_and_no_alert_list():
    response = Client().post(reverse("login"), {"username": "nobody", "password": "wrong"})
    html = response.content.decode()
    _check_form_markup(html)
    assert '<a href="#id_username">' in html


# --------------------------------------------------------------------------------------------
# The map


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_map_class_has_3_to_1_contrast_and_all_but_one_a_pattern():
    """WCAG 1.4.11 against the white page, and 1.4.1: the classes' colours are not all 3:1
    from each other, so a pattern tells them apart."""
    for map_class in LEGEND:
        assert _contrast(map_class.colour, "#ffffff") >= 3, map_class.key
    patterns = [c.pattern for c in LEGEND]
    assert patterns.count("") == 1
    assert len(set(patterns)) == len(LEGEND)
