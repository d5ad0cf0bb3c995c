"""Dated legal rules: one row per rule and period of validity, with its legal reference."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalogue import RULES, Unit


class LegalRule(models.Model):
    """The value of one rule (`catalogue.RULES`) from `valid_from` to `valid_until`.

    `value` is None when the sources leave it unknown: the row says so, and anything that
    needs the value refuses to compute (`selectors.rule_value` raises `RuleNotSet`) until an
    administrator enters it from its legal source (`set_by`, `set_at` record who and when).
    Rows are change-logged (django-auditlog).
    """

    class Confidence(models.TextChoices):
        VERIFIED = "verified", _("verified from the source text")
        SECONDARY = "secondary", _("from a secondary source")
        UNVERIFIED = "unverified", _("unverified")
        UNKNOWN = "unknown", _("unknown: to be entered by an administrator")

    # Not a choices field: the names live in `catalogue.RULES` (translated, and changing a
    # name must not need a migration); the loader refuses keys outside the catalogue.
    key = models.CharField(_("rule"), max_length=80)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    legal_reference = models.CharField(_("legal reference"), max_length=300)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    note = models.TextField(_("note"), blank=True)
    set_by = models.CharField(
        _("value entered by"),
        max_length=150,
        blank=True,
        help_text=_("An administrator who entered a value the shipped sources left unknown."),
    )
    set_at = models.DateTimeField(_("value entered at"), null=True, blank=True)

    class Meta:
        ordering = ["key", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="one_rule_row_per_start"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="rule_period_not_reversed",
            ),
        ]
        verbose_name = _("legal rule")
        verbose_name_plural = _("legal rules")

    def __str__(self) -> str:
        return f"{self.key} {self.valid_from:%Y-%m-%d}"

    @property
    def name(self) -> str:
        """The rule's name in the user's language."""
        return str(RULES[self.key].name) if self.key in RULES else self.key

    @property
    def is_set(self) -> bool:
        return self.value is not None
