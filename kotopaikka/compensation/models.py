"""The compensation rules as dated rows, and the four-eyes changes that enter their values.

A `CompensationRule` is the value of one rule (`catalogue.RULES`) for one recipient kind from
`valid_from` to `valid_until`. Two rows of the same rule and recipient kind never cover the
same day: the service refuses it (`services.check_no_overlap`) and, on PostgreSQL, so does
the database (an exclusion constraint, migration 0002). `value` is None where the sources
leave it unknown; it is entered only through a `RuleChange` that one compensation handler
proposes with its legal reference and a different one approves (the service checks it, and a
check constraint makes an approval by the proposer impossible in the database too).

Rows are not personal data: change-logged by django-auditlog (core/audit_policy.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kotopaikka.rules.models import LegalRule

from .catalogue import RULES, RecipientKind, Unit

Confidence = LegalRule.Confidence  # the same four levels as the other legal rules


class CompensationRule(models.Model):
    key = models.CharField(_("rule"), max_length=80)
    kind = models.CharField(
        _("recipient kind"), max_length=20, choices=RecipientKind.choices, blank=True
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    statute = models.CharField(_("statute"), max_length=200)
    section = models.CharField(_("section"), max_length=100, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_(
            "A demonstration value, not from a source: everything computed from it is marked "
            "provisional."
        ),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["key", "kind", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "kind", "valid_from"], name="one_compensation_rule_per_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="compensation_rule_period_not_reversed",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(provisional=False),
                name="compensation_rule_provisional_has_value",
            ),
        ]
        verbose_name = _("compensation rule")
        verbose_name_plural = _("compensation rules")

    def __str__(self) -> str:
        return f"{self.key} {self.kind or '-'} {self.valid_from:%Y-%m-%d}"

    @property
    def name(self) -> str:
        return str(RULES[self.key].name) if self.key in RULES else self.key

    @property
    def is_set(self) -> bool:
        return self.value is not None


class RuleChange(models.Model):
    """A proposed value of a rule, with its legal reference; in force once a second handler
    approves it. `rule` is the row whose value it enters; without one, the change adds a new
    dated row (`key`, `kind`, `valid_from`, `valid_until`)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    rule = models.ForeignKey(
        CompensationRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("rule row"),
    )
    key = models.CharField(_("rule"), max_length=80)
    kind = models.CharField(
        _("recipient kind"), max_length=20, choices=RecipientKind.choices, blank=True
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    statute = models.CharField(_("statute"), max_length=200)
    section = models.CharField(_("section"), max_length=100, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            # four eyes, in the database too: whoever proposed cannot decide
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="rule_change_four_eyes",
            ),
            models.CheckConstraint(
                condition=(Q(status="proposed") & Q(decided_by__isnull=True))
                | (~Q(status="proposed") & Q(decided_by__isnull=False)),
                name="rule_change_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=~Q(confidence="unknown"), name="rule_change_has_known_confidence"
            ),
        ]
        verbose_name = _("rule change")
        verbose_name_plural = _("rule changes")

    def __str__(self) -> str:
        return f"{self.key} {self.valid_from:%Y-%m-%d} = {self.value} ({self.status})"
