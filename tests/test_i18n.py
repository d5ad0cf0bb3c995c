"""Finnish, Swedish and English: complete catalogues, language switching, translated code lists
and reference data in the active language."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from kotopaikka.access.roles import Role
from kotopaikka.core.codes import country_name, language_name
from kotopaikka.core.management.commands.compile_translations import catalogue_problems

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def _html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]*)"', response.content.decode())
    assert match, "no <html lang> attribute"
    return match.group(1)


# --- catalogues ---------------------------------------------------------------------------------


def test_languages_are_finnish_swedish_english():
    assert LANGUAGE_CODES == ["fi", "sv", "en"]
    assert settings.LANGUAGE_CODE == "fi"


@pytest.mark.parametrize("code", ["fi", "sv", "en"])
def test_catalogue_is_complete(code):
    """Waits on the translated catalogues: no untranslated or fuzzy entries."""
    path = LOCALE_DIR / code / "LC_MESSAGES" / "django.po"
    assert path.exists(), path
    po = polib.pofile(str(path))
    assert len(po) > 0
    problems = catalogue_problems(po)
    assert problems == [], f"{len(problems)} problems in {path}, e.g. {problems[:5]}"


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_catalogue_placeholders_are_kept(code):
    """A translation keeps every %(name)s / {{ name }} placeholder of its msgid."""
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")
    po = polib.pofile(str(LOCALE_DIR / code / "LC_MESSAGES" / "django.po"))
    broken = []
    for entry in po.translated_entries():
        wanted = sorted(placeholder.findall(entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        broken += [
            entry.msgid
            for text in translations
            if text and sorted(placeholder.findall(text)) != wanted
        ]
    assert broken == []


# --- the user's language ------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_page_is_finnish_by_default_and_switches_to_swedish(helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    response = client.get("/")
    assert response.status_code == 200
    assert _html_lang(response) == "fi"

    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert response.status_code == 302
    response = client.get("/")
    assert _html_lang(response) == "sv"

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert _html_lang(client.get("/")) == "en"


@pytest.mark.django_db
def test_unknown_language_is_ignored(helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert _html_lang(client.get("/")) == "fi"


@pytest.mark.django_db
def test_ui_ignores_browser_language_until_the_user_chooses(helsinki_worker, client_for):
    """The UI starts in Finnish whatever Accept-Language says; the chosen language wins."""
    client = client_for(helsinki_worker)
    browser_sv = {"Accept-Language": "sv-FI,sv;q=0.9"}
    assert _html_lang(client.get("/", headers=browser_sv)) == "fi"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert _html_lang(client.get("/", headers=browser_sv)) == "en"


@pytest.mark.django_db
def test_api_honours_accept_language(helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    body = client.get("/api/v1/me/", headers={"Accept-Language": "sv"}).json()
    assert body["acting"]["organisation_name"] == "Helsingfors"
    body = client.get("/api/v1/me/", headers={"Accept-Language": "fi"}).json()
    assert body["acting"]["organisation_name"] == "Helsinki"


# --- code lists ---------------------------------------------------------------------------------


def test_role_labels_are_translated(compiled_catalogues):
    """Waits on the translated catalogues."""
    english = "placement officer"
    with translation.override("en"):
        assert str(Role.PLACEMENT_OFFICER.label) == english
    with translation.override("fi"):
        finnish = str(Role.PLACEMENT_OFFICER.label)
    with translation.override("sv"):
        swedish = str(Role.PLACEMENT_OFFICER.label)
    assert finnish != english
    assert swedish != english
    assert finnish != swedish


@pytest.mark.parametrize("role", list(Role))
def test_every_role_label_is_translated_to_finnish(compiled_catalogues, role):
    """Waits on the translated catalogues."""
    with translation.override("en"):
        english = str(role.label)
    with translation.override("fi"):
        assert str(role.label) != english


@pytest.mark.django_db
def test_municipalities_page_in_active_language(helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    response = client.get("/registry/municipalities/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<td>091</td><td>Helsingfors</td>" in page
    assert "<td>049</td><td>Esbo</td>" in page

    client.post("/i18n/setlang/", {"language": "fi", "next": "/"})
    page = client.get("/registry/municipalities/").content.decode()
    assert "<td>091</td><td>Helsinki</td>" in page
    assert "<td>049</td><td>Espoo</td>" in page
    assert "Helsingfors" not in page


def test_country_names_come_from_iso_codes_catalogues():
    with translation.override("fi"):
        assert country_name("SWE") == "Ruotsi"
    with translation.override("sv"):
        assert country_name("SWE") == "Sverige"
    with translation.override("en"):
        assert country_name("SWE") == "Sweden"


def test_language_names_are_translated():
    with translation.override("fi"):
        finnish = language_name("swe")
    with translation.override("en"):
        english = language_name("swe")
    assert english == "Swedish"
    assert finnish.lower() == "ruotsi"


def test_special_country_codes_have_names():
    with translation.override("en"):
        assert country_name("XXA") == "stateless"
        assert country_name("QQQ") == "QQQ"  # unknown code shown as is
