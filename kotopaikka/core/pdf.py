"""Printable documents: a Django template rendered to PDF by WeasyPrint, in the language given,
with the fonts shipped in `core/fonts/` (Finnish and Swedish letters and the Arabic script of
Arabic, Dari and Pashto names; HarfBuzz shapes right-to-left text and keeps the logical order
in the PDF's text layer, so a name can be searched and copied)."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

FONTS = Path(__file__).resolve().parent / "fonts" / "dejavu"
FONT_FACES = f"""
@font-face {{ font-family: "Kotopaikka Sans"; src: url("{(FONTS / "DejaVuSans.ttf").as_uri()}"); }}
@font-face {{ font-family: "Kotopaikka Sans"; font-weight: bold;
  src: url("{(FONTS / "DejaVuSans-Bold.ttf").as_uri()}"); }}
"""


def render_pdf(template: str, context: dict, language: str) -> bytes:
    """The template rendered in `language` (its strings, dates and names) as PDF bytes."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs ~0.3 s per process

    with translation.override(language):
        html = render_to_string(template, {**context, "language": language})
    return HTML(string=html, base_url=str(FONTS)).write_pdf(stylesheets=[CSS(string=FONT_FACES)])
