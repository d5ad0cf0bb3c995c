"""Validation of code-list values on persons, shared by forms, API serializers and services."""

from __future__ import annotations

import gettext as gettext_module
from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

#: ICAO 9303 codes used in travel documents for people without a usual nationality.
SPECIAL_COUNTRY_CODES = {
    "XXA": gettext_noop("stateless"),
    "XXB": gettext_noop("refugee (1951 Convention)"),
    "XXC": gettext_noop("refugee (other)"),
    "XXX": gettext_noop("nationality unknown"),
}


def normalise_country(code: str) -> str:
    """An ISO 3166-1 alpha-3 code (alpha-2 accepted and converted), or an ICAO special code."""
    value = (code or "").strip().upper()
    if value in SPECIAL_COUNTRY_CODES:
        return value
    country = None
    if len(value) == 2:
        country = pycountry.countries.get(alpha_2=value)
    elif len(value) == 3:
        country = pycountry.countries.get(alpha_3=value)
    if country is None:
        raise ValidationError(
            _("%(code)s is not an ISO 3166 country code (e.g. AFG, SYR, COD).") % {"code": code}
        )
    return country.alpha_3


def normalise_language(code: str) -> str:
    """An ISO 639-3 code (ISO 639-1 two-letter codes accepted and converted)."""
    value = (code or "").strip().lower()
    language = None
    if len(value) == 2:
        language = pycountry.languages.get(alpha_2=value)
    elif len(value) == 3:
        language = pycountry.languages.get(alpha_3=value)
    if language is None:
        raise ValidationError(
            _("%(code)s is not an ISO 639 language code (e.g. ara, prs, fas).") % {"code": code}
        )
    return language.alpha_3


@cache
def _catalogue(domain: str, language: str) -> gettext_module.NullTranslations:
    """pycountry ships the iso-codes translations, Finnish and Swedish included."""
    return gettext_module.translation(
        domain, pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _translated(domain: str, english: str) -> str:
    return _catalogue(domain, (get_language() or "fi")[:2]).gettext(english)


def country_name(code: str) -> str:
    """The country's name in the active language."""
    if code in SPECIAL_COUNTRY_CODES:
        return _(SPECIAL_COUNTRY_CODES[code])
    country = pycountry.countries.get(alpha_3=code)
    return _translated("iso3166-1", country.name) if country else code


def language_name(code: str) -> str:
    """The language's name in the active language."""
    language = pycountry.languages.get(alpha_3=code)
    return _translated("iso639-3", language.name) if language else code
