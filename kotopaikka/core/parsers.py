"""Request-body parsers of the API: UTF-8 text, bounded JSON, errors in the user's language.

DRF's `JSONParser` recurses without limit (a deeply nested body is a 500) and answers "JSON
parse error - Expecting value" in English. These parsers decode strictly, parse through
`core.jsonparse` and raise a `ParseError` whose detail names the body and the line and column
in the request's language; the API's exception handler turns it into the 400 body
`{"body": ["…"]}`. The size of a body is limited before it is read, by
`core.limits.RequestSizeLimitMiddleware`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from . import jsonparse

#: the field name under which the API reports a body it cannot read
BODY_FIELD = "body"


class BodyParseError(ParseError):
    """A body that is not UTF-8 or not valid JSON: 400 `{"body": [message]}`."""

    default_code = "parse_error"


def read_text(stream) -> str:
    """The body as text: UTF-8 (a byte-order mark is dropped), else `BodyParseError`."""
    raw = stream.read() if stream is not None else b""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyParseError(
            _("The request body is not UTF-8 text (byte %(position)s).")
            % {"position": exc.start + 1}
        ) from None


def parse_json(text: str) -> Any:
    """`text` parsed by `core.jsonparse.loads`, else `BodyParseError` with its message."""
    try:
        return jsonparse.loads(text)
    except jsonparse.JSONInputError as exc:
        raise BodyParseError(exc.message) from None


class BoundedJSONParser(BaseParser):
    """`application/json`, at most `KOTOPAIKKA_MAX_JSON_DEPTH` levels deep."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        return parse_json(read_text(stream))


class CheckedJSONTextParser(BoundedJSONParser):
    """`application/json` checked like `BoundedJSONParser` but handed on as text, for the
    import endpoint, whose importer reads the text itself (and reports by item)."""

    def parse(self, stream, media_type=None, parser_context=None) -> str:
        text = read_text(stream)
        parse_json(text)
        return text


class CSVTextParser(BaseParser):
    """`text/csv`: the body as UTF-8 text."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None) -> str:
        return read_text(stream)
