"""Alphabetical order in the user's language, the same on SQLite and PostgreSQL.

Finnish and Swedish put å, ä and ö after z (in that order), and sort æ with ä, ø with ö and
ü with y; other accented letters sort with their base letter (é with e, š with s). English
sorts every accented letter with its base letter (Åbo with a). Case is ignored, then breaks
ties (lower case first), and spaces and hyphens sort before letters.

This is the primary level of the Unicode collation rules of CLDR for fi and sv, which is all
names of municipalities and regions need; it is done in Python rather than with a database
collation so that both databases give the same order (the lists sorted this way are at most a
few hundred rows of reference data).
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import get_language

_AFTER_Z = ord("z")
#: Finnish and Swedish: letters of their own after z, and letters sorted as another
_NORDIC = {
    "å": (_AFTER_Z + 1,),
    "ä": (_AFTER_Z + 2,),
    "æ": (_AFTER_Z + 2,),
    "ö": (_AFTER_Z + 3,),
    "ø": (_AFTER_Z + 3,),
    "ü": (ord("y"),),
}
_NORDIC_LANGUAGES = frozenset({"fi", "sv"})


def _base_letters(char: str) -> tuple[int, ...]:
    """The character without its accents: é -> e, ß -> ss (a space or hyphen: 1)."""
    if char.isspace() or char in "-‐–—":
        return (1,)
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    )
    return tuple(ord(c) for c in stripped.casefold()) or (ord(char),)


def sort_key(text: str, language: str | None = None) -> tuple:
    """A key that orders `text` alphabetically in `language` (default: the active one)."""
    lang = (language or get_language() or "fi")[:2]
    nordic = lang in _NORDIC_LANGUAGES
    primary: list[int] = []
    for char in unicodedata.normalize("NFC", text or ""):
        lower = char.casefold()
        if nordic and lower in _NORDIC:
            primary.extend(_NORDIC[lower])
        else:
            primary.extend(_base_letters(char))
    # ties: accents (the NFC text casefolded), then case (lower case first)
    return (tuple(primary), (text or "").casefold(), (text or "").swapcase())


def sorted_by_name(items, name=str, language: str | None = None) -> list:
    """`items` in alphabetical order of `name(item)` in `language`."""
    lang = language or get_language()
    return sorted(items, key=lambda item: sort_key(name(item), lang))
