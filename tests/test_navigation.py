"""The navigation bar of every page: each role's sections and pages, only what it may open,
the current section and page marked with aria-current."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kotopaikka.portal import navigation

pytestmark = pytest.mark.django_db

ROLE_FIXTURES = [
    "uusimaa_officer",
    "helsinki_worker",
    "helsinki_supervisor",
    "reception_worker",
    "keha_handler",
    "analyst",
    "sysadmin",
]

#: role fixture -> sections its bar shows, in order
EXPECTED_SECTIONS = {
    "uusimaa_officer": ["placement", "people", "statistics", "reference"],
    "helsinki_worker": ["placement", "integration", "people", "reference"],
    "helsinki_supervisor": ["placement", "integration", "people", "statistics", "reference"],
    "reception_worker": ["placement", "people", "reference"],
    "keha_handler": ["placement", "people", "statistics", "reference"],
    "analyst": ["placement", "people", "statistics", "reference"],
    "sysadmin": ["placement", "people", "reference", "admin"],  # the outcome models
}


def _nav(html: str, testid: str) -> str:
    match = re.search(rf'<nav [^>]*data-testid="{testid}".*?</nav>', html, re.S)
    return match.group(0) if match else ""


def _links(nav_html: str) -> list[tuple[str, str | None]]:
    """(href, aria-current) of each link."""
    return [
        (href, current or None)
        for href, current in re.findall(
            r'<a [^>]*href="([^"]+)"(?: aria-current="(\w+)")?', nav_html
        )
    ]


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_each_role_has_its_sections(request, client_for, role):
    actor = request.getfixturevalue(role)
    html = client_for(actor).get("/").content.decode()
    bar = _nav(html, "main-navigation")
    sections = re.findall(r'data-section="(\w+)"', bar)
    assert sections == EXPECTED_SECTIONS[role]
    links = _links(bar)
    assert links[0] == ("/", "page")  # home, the current page
    assert all(current is None for _href, current in links[1:])


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_every_link_in_the_bar_opens_for_the_role(request, client_for, role):
    """No link leads to a refusal: the bar offers only what the role may do."""
    actor = request.getfixturevalue(role)
    client = client_for(actor)
    urls = {task.url for task in navigation.tasks(actor)}
    assert urls
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code == 302:  # the admin index answers its own login only for staff
            assert url == reverse("admin:index")


def test_officer_on_a_placement_page_sees_the_section_and_its_pages(uusimaa_officer, client_for):
    html = client_for(uusimaa_officer).get(reverse("placement:agreements")).content.decode()
    bar = _links(_nav(html, "main-navigation"))
    assert (reverse("placement:queue"), "page") in bar  # the section's link is marked
    sub = _links(_nav(html, "section-navigation"))
    assert [href for href, _c in sub] == [
        reverse("placement:queue"),
        reverse("placement:case_import"),
        reverse("placement:moves"),
        reverse("placement:agreements"),
        reverse("placement:policy"),
        reverse("placement:outcome_models"),
        reverse("placement:dashboard"),
    ]
    assert dict(sub)[reverse("placement:agreements")] == "page"
    assert [c for _h, c in sub].count(None) == 6


def test_a_deeper_page_marks_its_section_page(uusimaa_officer, client_for, make_agreement):
    agreement = make_agreement(uusimaa_officer, code="091")
    html = (
        client_for(uusimaa_officer)
        .get(reverse("placement:agreement", args=[agreement.pk]))
        .content.decode()
    )
    sub = dict(_links(_nav(html, "section-navigation")))
    assert sub[reverse("placement:agreements")] == "true"  # in it, not on it
    assert 'class="kp-breadcrumbs"' in html  # breadcrumbs stay where they help


def test_worker_does_not_see_what_the_role_may_not_do(helsinki_worker, client_for):
    html = client_for(helsinki_worker).get(reverse("integration:clients")).content.decode()
    sub = [href for href, _c in _links(_nav(html, "section-navigation"))]
    assert reverse("integration:queue") in sub
    assert reverse("integration:retention") not in sub  # supervisors only
    assert reverse("placement:dashboard") not in html
    assert reverse("reporting:statistics") not in html


def test_the_bar_is_translated(helsinki_worker, client_for, compiled_catalogues):
    client = client_for(helsinki_worker)
    client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    bar = _nav(client.get("/").content.decode(), "main-navigation")
    assert ">Integrationstjänster<" in bar
    assert ">Personer<" in bar
    client.post("/i18n/setlang/", {"language": "fi", "next": "/"})
    bar = _nav(client.get("/").content.decode(), "main-navigation")
    assert ">Henkilöt<" in bar


def test_no_bar_without_a_role(client):
    from kotopaikka.access.models import User

    user = User.objects.create_user(username="norole", password="not-used-in-tests-123")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'data-testid="main-navigation"' not in html
