"""Typed person identifiers: validation and normalisation.

* Personal identity code (henkilötunnus): validated with python-stdnum, which knows the century
  signs of the 2023 reform (`-YXWVU` for the 1900s, `ABCDEF` for the 2000s, `+` for the 1800s).
  Temporary codes (individual number 900–999) are accepted and flagged: they are not entered
  in the population information system, and the synthetic demo data uses only them.
* Finnish Immigration Service customer number: its format is not published; digits only,
  3–12 long, is what Migri's printed cards show.
* UNHCR registration / case number: e.g. `147-12345678` or `147-00012345C`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fi import hetu


class IdentifierKind(models.TextChoices):
    HETU = "hetu", _("personal identity code")
    MIGRI_CUSTOMER = "migri", _("Finnish Immigration Service customer number")
    UNHCR = "unhcr", _("UNHCR number")


class InvalidIdentifier(ValueError):
    """A bad identifier, with a translatable reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NormalisedIdentifier:
    kind: str
    value: str
    is_temporary: bool = False


_MIGRI = re.compile(r"^[0-9]{3,12}$")
_UNHCR = re.compile(r"^[0-9]{3}-[0-9]{2}[A-Z0-9]{4,10}$")


def _ascii_digits(value: str) -> str:
    """Map every Unicode decimal digit (Arabic-Indic, fullwidth, ...) to its ASCII digit, so the
    same number typed on another keyboard has one normal form and one lookup hash."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in value)


def normalise(kind: str, raw: str) -> NormalisedIdentifier:
    """Validate and normalise an identifier, or raise `InvalidIdentifier` with the reason."""
    value = _ascii_digits(unicodedata.normalize("NFKC", raw or "")).strip().upper().replace(" ", "")
    if not value:
        raise InvalidIdentifier(str(_("The identifier is empty.")))
    if kind == IdentifierKind.HETU:
        return _normalise_hetu(value)
    if kind == IdentifierKind.MIGRI_CUSTOMER:
        if not _MIGRI.match(value):
            raise InvalidIdentifier(str(_("A customer number has 3 to 12 digits.")))
        return NormalisedIdentifier(kind, value)
    if kind == IdentifierKind.UNHCR:
        if not _UNHCR.match(value):
            raise InvalidIdentifier(
                str(
                    _(
                        "A UNHCR number looks like 147-12345678: three digits, a hyphen, then letters or digits."
                    )
                )
            )
        return NormalisedIdentifier(kind, value)
    raise InvalidIdentifier(str(_("Unknown identifier type.")))


def _normalise_hetu(value: str) -> NormalisedIdentifier:
    try:
        code = hetu.validate(value, allow_temporary=True)
    except InvalidChecksum as exc:
        raise InvalidIdentifier(
            str(_("The check character of the identity code is wrong."))
        ) from exc
    except InvalidComponent as exc:
        raise InvalidIdentifier(
            str(_("The identity code contains an impossible date or individual number."))
        ) from exc
    except (InvalidFormat, InvalidLength) as exc:
        raise InvalidIdentifier(
            str(_("An identity code has the form DDMMYYCNNNT, e.g. 010594Y9032."))
        ) from exc
    individual = int(code[7:10])
    return NormalisedIdentifier(IdentifierKind.HETU, code, is_temporary=individual >= 900)


_CENTURY = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}


def hetu_birth_date(code: str) -> dt.date:
    """The date of birth a valid identity code encodes."""
    century = _CENTURY[code[6]]
    return dt.date(century + int(code[4:6]), int(code[2:4]), int(code[0:2]))
