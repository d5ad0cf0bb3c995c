"""Entering a value the shipped sources left unknown (administrators)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.core.operations import Op, require

from .models import LegalRule


@transaction.atomic
def rule_value_set(
    *, actor, rule_id: int, value: Decimal, legal_reference: str, source_url: str = ""
) -> LegalRule:
    """An administrator enters the value of a rule from its legal source. The reference is
    required: a value without one would be a guess. Change-logged by django-auditlog."""
    require(actor, Op.REGISTRY_MANAGE)
    errors = {}
    if value is None or value < 0 or value > Decimal("9999999999"):
        errors["value"] = [_("Enter a value between 0 and 9,999,999,999.")]
    if not legal_reference.strip():
        errors["legal_reference"] = [_("Give the legal source of the value.")]
    if errors:
        raise ValidationError(errors)
    rule = LegalRule.objects.select_for_update().get(pk=rule_id)
    rule.value = value
    rule.legal_reference = legal_reference.strip()
    rule.source_url = source_url.strip() or rule.source_url
    rule.confidence = LegalRule.Confidence.VERIFIED
    rule.set_by = actor.user.get_username()
    rule.set_at = timezone.now()
    rule.save()
    return rule
