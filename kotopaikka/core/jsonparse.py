"""JSON from clients, parsed with bounds and reported in the user's language.

Python's `json` has no depth limit: a body of 100,000 `[` overflows the C scanner's recursion and
raises `RecursionError` (a 500). Its error messages are English ("Expecting value"). So every
JSON a client sends (API bodies, imported files) goes through `loads` here: the nesting depth is
counted first, without recursion, over the structural characters only (strings are skipped as
whole tokens by one regular expression, so brackets inside strings do not count), and any error
becomes a `JSONInputError` whose message says in the active language what is wrong and where
(line and column).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: a JSON string token, or one bracket (what the depth count looks at)
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)

#: longest run of digits accepted in one number (Python refuses over 4,300 with ValueError)
MAX_NUMBER_DIGITS = 100

#: json's English reasons (the text before ": line …") in the user's language
_REASONS = {
    "Expecting value": gettext_lazy("a value is expected"),
    "Expecting property name enclosed in double quotes": gettext_lazy(
        "a property name in double quotes is expected"
    ),
    "Expecting ',' delimiter": gettext_lazy("a comma is expected"),
    "Expecting ':' delimiter": gettext_lazy("a colon is expected"),
    "Extra data": gettext_lazy("there is more text after the end of the JSON value"),
    "Unterminated string starting at": gettext_lazy("a string is not closed"),
    "Invalid control character at": gettext_lazy("a string contains a control character"),
    "Invalid \\escape": gettext_lazy("a string contains an invalid escape"),
    "Invalid \\uXXXX escape": gettext_lazy("a string contains an invalid \\u escape"),
    "Illegal trailing comma before end of object": gettext_lazy(
        "a comma is followed by the end of an object"
    ),
    "Illegal trailing comma before end of array": gettext_lazy(
        "a comma is followed by the end of a list"
    ),
}


class JSONInputError(ValueError):
    """Client JSON that cannot be used; `message` is in the active language and names the
    line and column (1-based) where the problem is."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def max_depth() -> int:
    """Deepest nesting accepted (the `KOTOPAIKKA_MAX_JSON_DEPTH` setting)."""
    return settings.KOTOPAIKKA_MAX_JSON_DEPTH


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _error(text: str, index: int, reason: str) -> JSONInputError:
    line, column = _position(text, index)
    return JSONInputError(
        _("Not valid JSON at line %(line)s, column %(column)s: %(reason)s.")
        % {"line": line, "column": column, "reason": reason},
        line,
        column,
    )


def check_depth(text: str, limit: int | None = None) -> None:
    """Refuse nesting deeper than `limit` (default `max_depth()`), iteratively."""
    limit = max_depth() if limit is None else limit
    depth = 0
    for match in _TOKENS.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                raise _error(
                    text,
                    match.start(),
                    _("lists and objects are nested deeper than %(limit)s levels")
                    % {"limit": limit},
                )
        elif char in "]}":
            depth -= 1


def _parse_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(literal)
    return int(literal)


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def loads(text: str, *, limit: int | None = None) -> Any:
    """`json.loads` with a depth limit and no NaN/Infinity; `JSONInputError` on bad input."""
    check_depth(text, limit)
    try:
        return json.loads(text, parse_int=_parse_int, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        reason = next(
            (str(text_) for prefix, text_ in _REASONS.items() if exc.msg.startswith(prefix)),
            _("the text is not JSON"),
        )
        raise _error(text, exc.pos, reason) from None
    except (ValueError, RecursionError) as exc:
        # a number too long or NaN/Infinity (the parser gives no position for those)
        literal = str(exc)
        index = max(text.find(literal), 0)
        raise _error(text, index, _("a number is too long or not a number")) from None
