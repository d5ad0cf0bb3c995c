"""`{{ codes|municipality_names }}`: municipality codes as names in the active language,
joined with commas (an unknown code is shown as it is; an empty list as "–")."""

from __future__ import annotations

from django import template

from kotopaikka.registry.models import Municipality

register = template.Library()


@register.filter
def municipality_names(codes) -> str:
    codes = list(codes or ())
    if not codes:
        return "–"
    names = {m.code: m.name for m in Municipality.objects.filter(code__in=codes)}
    return ", ".join(names.get(code, code) for code in codes)
