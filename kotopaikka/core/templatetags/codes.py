"""`{% load codes %}`: `{{ code|country_name }}`, `{{ code|language_name }}` and, for a list
of codes, `{{ codes|country_names }}` / `{{ codes|language_names }}` (joined with ", ")."""

from django import template

from kotopaikka.core import codes

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return codes.country_name(code) if code else ""


@register.filter
def language_name(code: str) -> str:
    return codes.language_name(code) if code else ""


@register.filter
def country_names(values) -> str:
    return ", ".join(codes.country_name(c) for c in values or [] if c)


@register.filter
def language_names(values) -> str:
    return ", ".join(codes.language_name(c) for c in values or [] if c)
