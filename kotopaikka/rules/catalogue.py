"""The rules the code computes with: each key's name in the user's language and its unit.

The values live in the database (`LegalRule` rows, shipped in `data/legal_rules.csv` with their
sources and filled in by an administrator where the sources leave them unknown). A key not in
this catalogue cannot be loaded or asked for, so a typo fails at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    DAYS = "days", _("days")
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")
    HOURS = "hours", _("hours")
    AGE = "age", _("years of age")
    EUROS_PER_YEAR = "eur_year", _("euros per person per year")
    EUROS = "eur", _("euros")
    YES_NO = "yes_no", _("1 = yes, 0 = no")


@dataclass(frozen=True)
class RuleKind:
    key: str
    name: Promise
    unit: str


RULES: dict[str, RuleKind] = {
    rule.key: rule
    for rule in (
        RuleKind(
            "integration.assessment.window_after_first_permit",
            _("Assessment possible after the first residence permit, at most"),
            Unit.MONTHS,
        ),
        RuleKind(
            "integration.assessment.start_deadline",
            _("Assessment to be started after the client relationship begins, within"),
            Unit.DAYS,
        ),
        RuleKind(
            "integration.plan.due_after_first_permit",
            _("First integration plan due after the first residence permit, within"),
            Unit.MONTHS,
        ),
        RuleKind(
            "integration.plan.first_max_length",
            _("Length of the first integration plan, at most"),
            Unit.MONTHS,
        ),
        RuleKind(
            "integration.plan.total_max_length",
            _("Total length of integration plans, as a rule at most"),
            Unit.MONTHS,
        ),
        RuleKind(
            "integration.plan.review_interval",
            _("Integration plan reviewed at least every"),
            Unit.MONTHS,
        ),
        RuleKind(
            "integration.plan.enrolment_within",
            _("Enrolment in services after the plan, within"),
            Unit.MONTHS,
        ),
        RuleKind(
            "integration.civic_orientation.min_hours",
            _("Multilingual civic orientation, at least"),
            Unit.HOURS,
        ),
        RuleKind(
            "integration.unaccompanied.support_age_limit",
            _("Support for unaccompanied minors ends when the young person turns"),
            Unit.AGE,
        ),
        RuleKind(
            "general.deadline_moves_to_working_day",
            _(
                "A time limit ending on a Saturday, Sunday or public holiday ends the next working day"
            ),
            Unit.YES_NO,
        ),
        RuleKind(
            "integration.retention.after_relationship_ended",
            _("Integration-service records kept after the client relationship ended, for"),
            Unit.YEARS,
        ),
        RuleKind(
            "integration.plan.drafting_after_assessment",
            _("Integration plan drafted after the assessment, within"),
            Unit.DAYS,
        ),
    )
}


def rule_kind(key: str) -> RuleKind:
    try:
        return RULES[key]
    except KeyError:
        raise KeyError(f"no such legal rule: {key!r} (see kotopaikka/rules/catalogue.py)") from None
