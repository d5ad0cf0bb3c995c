"""Reading the rule in force on a day. Rules are not personal data: no audit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from .catalogue import rule_kind
from .errors import RuleNotSet
from .models import LegalRule


@dataclass(frozen=True)
class RuleValue:
    """A rule's value on a day, with the row it came from (for explanations and traceability)."""

    value: Decimal
    row: LegalRule

    def __int__(self) -> int:
        return int(self.value)


def rule_row(key: str, on: dt.date) -> LegalRule | None:
    """The row of `key` in force on `on` (set or not), or None."""
    rule_kind(key)  # an unknown key is a programming error, not a missing value
    return (
        LegalRule.objects.filter(key=key, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("-valid_from")
        .first()
    )


def rule_value(key: str, on: dt.date) -> RuleValue:
    """The value of `key` in force on `on`; `RuleNotSet` if there is none or it is unset."""
    row = rule_row(key, on)
    if row is None or row.value is None:
        raise RuleNotSet(key, on, str(rule_kind(key).name))
    return RuleValue(row.value, row)


def rule_rows(key: str) -> list[LegalRule]:
    """Every row of `key`, for a caller that asks the same rule for many days (one query)."""
    rule_kind(key)
    return list(LegalRule.objects.filter(key=key).order_by("-valid_from"))


def rule_value_among(rows: list[LegalRule], key: str, on: dt.date) -> RuleValue:
    """As `rule_value`, choosing among `rows` (from `rule_rows(key)`) without a query."""
    row = next(
        (r for r in rows if r.valid_from <= on and (r.valid_until is None or r.valid_until >= on)),
        None,
    )
    if row is None or row.value is None:
        raise RuleNotSet(key, on, str(rule_kind(key).name))
    return RuleValue(row.value, row)


def rule_table() -> list[LegalRule]:
    """Every row, for the page that shows the rules with their sources."""
    return list(LegalRule.objects.order_by("key", "valid_from"))


def unset_rules() -> list[LegalRule]:
    """Rows that await an administrator (the sources left the value unknown)."""
    return list(LegalRule.objects.filter(value__isnull=True).order_by("key", "valid_from"))
