"""Checks of uploaded files by their content, not their name."""

from __future__ import annotations

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError


def pdf_problem(upload, *, max_bytes: int) -> str | None:
    """Why `upload` is not an acceptable PDF document, in the user's language, or None.

    The name and the browser's content type prove nothing (a Windows program renamed
    `agreement.pdf` starts with `MZ`): the file must start with the PDF signature and pypdf
    must read its page tree. The size is checked first, so that nothing large is parsed.
    """
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        return _("The document must be at most %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)}
    if size == 0:
        return _("The document is empty.")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        return _("The document is not a PDF file.")
    try:
        pages = len(PdfReader(upload).pages)
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError, OSError):
        return _("The PDF file is damaged or cannot be read.")
    finally:
        upload.seek(0)
    if pages == 0:
        return _("The PDF file has no pages.")
    return None
