"""Error bases that the domains' errors extend, so that the layers above them (the API error
handler, the pages) can answer them without importing any domain."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """The request is well-formed but conflicts with what is stored (a possible duplicate, no
    free places). A validation error, so that forms and services report it like any other;
    the API answers 409 with `detail`, `code` and the error's own `payload()`."""

    #: the machine-readable code in the API's 409 body
    conflict_code = "conflict"

    def payload(self) -> dict[str, Any]:
        """Extra fields of the API's 409 body (documented by the raising domain)."""
        return {}


class TooManyAttempts(ValidationError):
    """The actor has tried this too often in a short time (a lookup that must not be open to
    guessing). A validation error for forms; the API answers 429."""

    http_status = 429


class FieldErrors:
    """Collects a service's errors by field, so that the caller sees every problem at once
    (not only the first), then raises them as one `ValidationError` keyed by field name.

        errors = FieldErrors()
        if not name:
            errors.add("name", _("Name the group."))
        errors.raise_if_any()
    """

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def __contains__(self, name: str) -> bool:
        return name in self.by_field

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)
