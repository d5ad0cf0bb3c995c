"""Computing a month with the engine over the stored rules, and refusing it in words.

`payable_month` is what the monthly payment run will call: a month that needs a rule nobody
has entered is refused as a whole, with a message naming every missing rule in the user's
language; nothing of it is paid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import engine
from .catalogue import rule_name
from .selectors import municipalities, rule_set


def _day(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


class MonthNotComputable(ValidationError):
    """The month needs rules that have no value; `missing` names them."""

    def __init__(self, refused: engine.MonthRefused):
        self.missing = refused.missing
        names = "; ".join(
            _("%(rule)s on %(date)s") % {"rule": rule_name(m.key, m.kind), "date": _day(m.on)}
            for m in refused.missing
        )
        super().__init__(
            {
                "month": [
                    _(
                        "%(month)s cannot be computed: these rules have no value: %(rules)s. "
                        "Two compensation handlers must enter them from their legal source."
                    )
                    % {"month": f"{refused.month.month}/{refused.month.year}", "rules": names}
                ]
            },
            code="rule_not_set",
        )


def payable_month(month: dt.date, persons: Iterable[engine.PersonFacts]) -> engine.MonthResult:
    try:
        return engine.payable_month(month, persons, rule_set(), municipalities())
    except engine.MonthRefused as refused:
        raise MonthNotComputable(refused) from None
