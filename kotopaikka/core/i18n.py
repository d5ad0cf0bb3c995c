"""Helpers for content that exists in Finnish, Swedish and English."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

FALLBACK_ORDER = ("fi", "sv", "en")


class TrilingualName(models.Model):
    """Abstract base for reference data named in all three languages.

    Names are stored as three plain columns (not a translation library) because reference data
    comes from Statistics Finland in exactly these three languages and is never edited by users.
    """

    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Finnish, Swedish, English."""
        return localized(self, "name")

    def __str__(self) -> str:
        return self.name


def localized(obj: object, field: str, language: str | None = None) -> str:
    """Return `obj.<field>_<lang>` for the active language with a sensible fallback."""
    lang = (language or get_language() or "fi")[:2]
    for code in (lang, *FALLBACK_ORDER):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""
