"""Test documents made by the libraries that read them, not hand-written bytes."""

from __future__ import annotations

import io


def one_page_pdf() -> bytes:
    """A real, readable one-page PDF, written by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
