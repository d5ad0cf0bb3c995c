"""Validation of code-list values on persons, shared by forms, API serializers and services."""

from __future__ import annotations

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kotopaikka.core.codes import SPECIAL_COUNTRY_CODES


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
