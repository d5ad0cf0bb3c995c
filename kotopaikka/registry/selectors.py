"""Reads of reference data (public information, no personal data, so no read audit)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Municipality


def municipalities_with_relations() -> QuerySet[Municipality]:
    """Municipalities with their region, wellbeing county and regional authorities loaded."""
    return Municipality.objects.select_related("region", "wellbeing_county").prefetch_related(
        "regional_authorities"
    )
