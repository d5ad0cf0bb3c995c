"""Error answers (issue 11, point 12): the demo runs with debug off, pages get the site's own
translated error page (400, 403, 404, 500, CSRF failure), API paths the JSON error body."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from kotopaikka.config import urls
from kotopaikka.people import selectors

pytestmark = pytest.mark.django_db

TITLES = {
    404: {"fi": "Ei löytynyt", "sv": "Hittades inte", "en": "Not found"},
    400: {"fi": "Pyyntöä ei voitu lukea", "sv": "Förfrågan kunde inte läsas", "en": "read"},
    500: {"fi": "Jokin meni vikaan", "sv": "Något gick fel", "en": "Something went wrong"},
    "csrf": {"fi": "Lomake on vanhentunut", "sv": "Formuläret har gått ut", "en": "expired"},
}


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def _client(client_for, actor, language: str, **kwargs):
    client = client_for(actor, **kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_demo_runs_with_debug_off():
    demo = (Path(settings.BASE_DIR) / "scripts" / "demo").read_text()
    assert re.search(r"^export .*\bDEBUG=False\b", demo, re.M), "scripts/demo must turn debug off"
    assert "DEBUG=True" not in demo
    for code in (400, 403, 404, 500):
        assert getattr(urls, f"handler{code}").startswith("kotopaikka.core.errorpages.")
    assert settings.CSRF_FAILURE_VIEW == "kotopaikka.core.errorpages.csrf_failure"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_404_page_in_the_users_language(language, helsinki_worker, client_for):
    response = _client(client_for, helsinki_worker, language).get("/no-such-page/")
    assert response.status_code == 404
    assert TITLES[404][language] in _title(response)
    assert "urlpatterns" not in response.content.decode().lower()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_400_page_when_django_refuses_the_request(language, helsinki_worker, client_for):
    """Too many form fields (DATA_UPLOAD_MAX_NUMBER_FIELDS) is a SuspiciousOperation: 400."""
    client = _client(client_for, helsinki_worker, language)
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("people:create"), fields)
    assert response.status_code == 400
    assert TITLES[400][language] in _title(response)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_csrf_failure_page_in_the_users_language(language, helsinki_worker, client_for):
    client = _client(client_for, helsinki_worker, language, enforce_csrf_checks=True)
    response = client.post(reverse("people:create"), {"given_names": "Csrf"})
    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]
    assert TITLES["csrf"][language] in _title(response)


@pytest.fixture
def failing_person_list(monkeypatch):
    """The person list's selector fails as an unexpected bug would."""

    def fail(**kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(selectors, "person_list", fail)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_500_page_in_the_users_language(language, failing_person_list, helsinki_worker, client_for):
    client = _client(client_for, helsinki_worker, language, raise_request_exception=False)
    response = client.get(reverse("people:list"), headers={"X-Request-ID": "trace-500-abcdef"})
    assert response.status_code == 500
    assert TITLES[500][language] in _title(response)
    assert "trace-500-abcdef" in response.content.decode()  # for support
    assert "simulated failure" not in response.content.decode()


def test_api_500_is_the_json_error_body(failing_person_list, helsinki_worker, client_for):
    client = client_for(helsinki_worker, raise_request_exception=False)
    response = client.get(
        "/api/v1/persons/", headers={"Accept-Language": "sv", "X-Request-ID": "trace-500-api01"}
    )
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Internt fel. Ge förfrågans id trace-500-api01 till supporten.",
        "code": "server_error",
    }


def test_api_csrf_failure_is_translated(helsinki_worker, client_for):
    client = client_for(helsinki_worker, enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/persons/", "{}", content_type="application/json", headers={"Accept-Language": "fi"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert response.json()["detail"].startswith("CSRF-tarkistus epäonnistui")
