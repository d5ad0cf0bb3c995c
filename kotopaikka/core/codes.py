"""Names of coded values in the user's language: countries (ISO 3166-1 alpha-3, with the
ICAO 9303 special codes of travel documents) and languages (ISO 639-3).

The names come from pycountry, which ships the iso-codes project's gettext catalogues,
Finnish and Swedish included. The few names those catalogues lack in Finnish or Swedish are
in the project's own catalogue (`SUPPLEMENTED`). An unknown code is shown as it is.
"""

from __future__ import annotations

import gettext as gettext_module
from functools import cache

import pycountry
from django.utils.translation import get_language, gettext, gettext_noop, override

#: ICAO 9303 codes used in travel documents for people without a usual nationality.
SPECIAL_COUNTRY_CODES = {
    "XXA": gettext_noop("stateless"),
    "XXB": gettext_noop("refugee (1951 Convention)"),
    "XXC": gettext_noop("refugee (other)"),
    "XXX": gettext_noop("nationality unknown"),
}

#: English names (as pycountry has them) that the iso-codes catalogues leave untranslated in
#: Finnish or Swedish; the project's catalogue translates them.
SUPPLEMENTED = frozenset(
    {
        gettext_noop("Swahili (macrolanguage)"),
        gettext_noop("Central Kurdish"),
    }
)


@cache
def _catalogue(domain: str, language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(
        domain, pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _translated(domain: str, english: str, language: str | None) -> str:
    lang = (language or get_language() or "fi")[:2]
    name = _catalogue(domain, lang).gettext(english)
    if name == english and english in SUPPLEMENTED:
        with override(lang):
            return gettext(english)
    return name


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in `language` (default: the active one); unknown codes as they are."""
    value = (code or "").strip().upper()
    if value in SPECIAL_COUNTRY_CODES:
        with override(language or get_language()):
            return gettext(SPECIAL_COUNTRY_CODES[value])
    country = pycountry.countries.get(alpha_3=value) if len(value) == 3 else None
    return _translated("iso3166-1", country.name, language) if country else code


def language_name(code: str, language: str | None = None) -> str:
    """The language's name in `language` (default: the active one); unknown codes as they
    are."""
    value = (code or "").strip().lower()
    found = pycountry.languages.get(alpha_3=value) if len(value) == 3 else None
    return _translated("iso639-3", found.name, language) if found else code
