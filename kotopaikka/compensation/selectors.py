"""Reading the compensation rules for the engine and for the rules list. Rules are not
personal data: no audit. The persons' facts are read elsewhere, through audited selectors."""

from __future__ import annotations

from kotopaikka.registry.models import Municipality
from kotopaikka.rules.models import LegalRule

from .engine import AGE_LIMIT_KEY, MunicipalityInfo, RuleRow, RuleSet
from .models import CompensationRule, RuleChange

HELSINKI = "091"  # the City of Helsinki organises the services of county 90 itself


def _engine_row(row) -> RuleRow:
    return RuleRow(
        id=row.pk,
        key=row.key,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        value=row.value,
        kind=getattr(row, "kind", ""),
        provisional=getattr(row, "provisional", False),
    )


def rule_set() -> RuleSet:
    """Every compensation rule row, for the engine (one query)."""
    return RuleSet(_engine_row(row) for row in CompensationRule.objects.all())


def age_limit_rows() -> list[RuleRow]:
    """The unaccompanied minors' support age limits: the `rules.LegalRule` rows that
    integration services already compute with (their ids are LegalRule ids)."""
    return [_engine_row(row) for row in LegalRule.objects.filter(key=AGE_LIMIT_KEY)]


def municipalities() -> dict[str, MunicipalityInfo]:
    """Every municipality with its wellbeing services county, Åland and Helsinki marked."""
    return {
        m.code: MunicipalityInfo(
            code=m.code,
            county_code=None if m.is_aland else m.wellbeing_county.code,
            aland=m.is_aland,
            city_is_county=m.code == HELSINKI,
        )
        for m in Municipality.objects.select_related("wellbeing_county")
    }


def rule_table() -> list[CompensationRule]:
    return list(CompensationRule.objects.order_by("key", "kind", "valid_from"))


def unset_rules() -> list[CompensationRule]:
    """Rows awaiting two handlers (the sources leave the value unknown)."""
    return list(
        CompensationRule.objects.filter(value__isnull=True).order_by("key", "kind", "valid_from")
    )


def open_changes() -> list[RuleChange]:
    return list(
        RuleChange.objects.filter(status=RuleChange.Status.PROPOSED).select_related("proposed_by")
    )
