"""Writing the compensation rules: the overlap check, and the four-eyes entry of a value.

One compensation handler proposes a value with its legal reference (`rule_change_propose`);
a different handler approves it (`rule_change_approve`) or rejects it with a reason. Only an
approval writes the rule row. The proposer cannot approve: the service refuses it, and the
`rule_change_four_eyes` check constraint refuses it in the database too. A value verified from
the shipped sources is never rewritten this way: only rows without a value, or with a
provisional demonstration value, can be entered, or a new dated row added.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopaikka.audit.models import AuditEvent
from kotopaikka.audit.services import record_event
from kotopaikka.core.errors import FieldErrors
from kotopaikka.core.operations import Op, require

from .catalogue import RULES, Unit
from .models import CompensationRule, Confidence, RuleChange

OBJECT_TYPE = "compensation.RuleChange"
MAX_VALUE = Decimal("9999999999")


def _day(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def overlapping(
    key: str, kind: str, valid_from: dt.date, valid_until: dt.date | None, exclude_id=None
) -> CompensationRule | None:
    """A row of the same rule and recipient kind whose validity shares a day with the given
    one (the check the PostgreSQL exclusion constraint also makes)."""
    rows = CompensationRule.objects.filter(key=key, kind=kind).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from)
    )
    if valid_until is not None:
        rows = rows.filter(valid_from__lte=valid_until)
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return rows.order_by("valid_from").first()


def check_no_overlap(
    key: str, kind: str, valid_from: dt.date, valid_until: dt.date | None, exclude_id=None
) -> None:
    clash = overlapping(key, kind, valid_from, valid_until, exclude_id)
    if clash is not None:
        until = _day(clash.valid_until) if clash.valid_until else "…"
        raise ValidationError(
            {
                "valid_from": [
                    _(
                        "The rule already has a row for %(from)s–%(until)s: the periods "
                        "of one rule and recipient kind cannot overlap."
                    )
                    % {"from": _day(clash.valid_from), "until": until}
                ]
            }
        )


def _validate(
    key: str,
    kind: str,
    valid_from: dt.date,
    valid_until: dt.date | None,
    value,
    statute: str,
    confidence: str,
) -> Decimal | None:
    errors = FieldErrors()
    rule = RULES.get(key)
    if rule is None:
        errors.add("key", _("Unknown rule %(key)s.") % {"key": key})
    elif kind not in rule.kinds:
        errors.add("kind", _("This rule has no recipient kind %(kind)s.") % {"kind": kind or "-"})
    if valid_until is not None and valid_until < valid_from:
        errors.add("valid_until", _("The end cannot be before the start."))
    number = None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.add("value", _("Enter a number."))
    if number is not None and (not number.is_finite() or number < 0 or number > MAX_VALUE):
        errors.add("value", _("Enter a value between 0 and 9,999,999,999."))
        number = None
    if number is not None and rule is not None:
        if rule.unit in (Unit.YEARS, Unit.OPTION) and number != number.to_integral_value():
            errors.add("value", _("Enter a whole number."))
        elif rule.unit == Unit.YES_NO and number not in (0, 1):
            errors.add("value", _("Enter 1 (yes) or 0 (no)."))
        if rule.unit == Unit.OPTION and number not in rule.options:
            errors.add(
                "value",
                _("Choose one of the options %(options)s.")
                % {"options": ", ".join(str(o) for o in sorted(rule.options))},
            )
    if not statute.strip():
        errors.add("statute", _("Give the legal source of the value."))
    if confidence not in Confidence.values or confidence == Confidence.UNKNOWN:
        errors.add("confidence", _("Say how well the value is verified."))
    errors.raise_if_any()
    return number


@transaction.atomic
def rule_change_propose(
    *,
    actor,
    value,
    statute: str,
    section: str = "",
    source_url: str = "",
    confidence: str = Confidence.VERIFIED,
    rule_id: int | None = None,
    key: str = "",
    kind: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> RuleChange:
    """Propose the value of an unset (or provisional) row `rule_id`, or a new dated row."""
    require(actor, Op.COMPENSATION_RULES_PROPOSE)
    if rule_id is not None:
        rule = CompensationRule.objects.filter(pk=rule_id).first()
        if rule is None:
            raise ValidationError({"rule": [_("No such rule row.")]})
        if rule.value is not None and not rule.provisional:
            raise ValidationError(
                {"rule": [_("This row already has a value from its source; it is not rewritten.")]}
            )
        key, kind, valid_from, valid_until = rule.key, rule.kind, rule.valid_from, rule.valid_until
    elif valid_from is None:
        raise ValidationError({"valid_from": [_("Give the first day of validity.")]})
    else:
        rule = None
    number = _validate(key, kind, valid_from, valid_until, value, statute, confidence)
    if rule is None:
        check_no_overlap(key, kind, valid_from, valid_until)
    change = RuleChange.objects.create(
        rule=rule,
        key=key,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        value=number,
        statute=statute.strip(),
        section=section.strip(),
        source_url=source_url.strip(),
        confidence=confidence,
        proposed_by=actor.user,
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type=OBJECT_TYPE,
        object_id=change.pk,
        fields=["value", "statute", "section", "source_url"],
        detail={"key": key, "kind": kind, "valid_from": valid_from.isoformat()},
    )
    return change


def _decidable(actor, change_id: int, op: Op) -> RuleChange:
    require(actor, op)
    change = RuleChange.objects.select_for_update().filter(pk=change_id).first()
    if change is None:
        raise ValidationError({"change": [_("No such proposal.")]})
    if change.status != RuleChange.Status.PROPOSED:
        raise ValidationError({"change": [_("The proposal has already been decided.")]})
    if change.proposed_by_id == actor.user.pk:  # four eyes (also a check constraint)
        raise PermissionDenied(_("The proposer cannot decide on their own proposal."))
    return change


@transaction.atomic
def rule_change_approve(*, actor, change_id: int) -> CompensationRule:
    """A second handler approves: the value enters the rule row (or a new row is added)."""
    change = _decidable(actor, change_id, Op.COMPENSATION_RULES_APPROVE)
    fields = {
        "value": change.value,
        "statute": change.statute,
        "section": change.section,
        "source_url": change.source_url,
        "confidence": change.confidence,
        "provisional": False,
    }
    if change.rule_id is not None:
        rule = CompensationRule.objects.select_for_update().get(pk=change.rule_id)
        if rule.value is not None and not rule.provisional:
            raise ValidationError({"rule": [_("This row has been given a value meanwhile.")]})
        for name, value in fields.items():
            setattr(rule, name, value)
        rule.save(update_fields=list(fields))
    else:
        check_no_overlap(change.key, change.kind, change.valid_from, change.valid_until)
        rule = CompensationRule.objects.create(
            key=change.key,
            kind=change.kind,
            valid_from=change.valid_from,
            valid_until=change.valid_until,
            unit=RULES[change.key].unit,
            **fields,
        )
        change.rule = rule
    change.status = RuleChange.Status.APPROVED
    change.decided_by = actor.user
    change.decided_at = timezone.now()
    change.save(update_fields=["rule", "status", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=change.pk,
        fields=["status"],
        detail={"decision": "approved", "rule": rule.pk},
    )
    return rule


@transaction.atomic
def rule_change_reject(*, actor, change_id: int, reason: str) -> RuleChange:
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for rejecting.")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("At most %(n)s characters.") % {"n": 300}]})
    change = _decidable(actor, change_id, Op.COMPENSATION_RULES_APPROVE)
    change.status = RuleChange.Status.REJECTED
    change.decided_by = actor.user
    change.decided_at = timezone.now()
    change.reason = reason.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=change.pk,
        fields=["status", "reason"],
        detail={"decision": "rejected"},
    )
    return change
