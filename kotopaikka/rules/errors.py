"""Errors of the rules: a computation that needs a rule nobody has set."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class RuleNotSet(ValidationError):
    """No value of `key` is in force on `on`: either no row covers the day, or the covering row
    is marked unknown and no administrator has entered its value. Never guessed."""

    def __init__(self, key: str, on: dt.date, name: str):
        self.key, self.on = key, on
        super().__init__(
            _(
                "The rule “%(name)s” has no value for %(date)s. An administrator must enter it "
                "from its legal source before this can be computed."
            )
            % {"name": name, "date": f"{on.day}.{on.month}.{on.year}"},
            code="rule_not_set",
        )
