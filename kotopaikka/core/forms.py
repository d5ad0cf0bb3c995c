"""Form helpers shared by the apps' forms (forms only parse; services validate and decide)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def split_codes(text: str) -> list[str]:
    """Codes typed into one field, separated by commas or semicolons (`"AFG, SYR"`)."""
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class ServiceErrorsMixin:
    """Maps a service's `ValidationError` onto the form: keys that name a form field (after
    `service_error_field`) go on that field, the rest are non-field errors."""

    def service_error_field(self, key: str) -> str | None:
        """The form field for a service's error key (the same name unless a form says so)."""
        return key

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            name = self.service_error_field(key)
            self.add_error(name if name in self.fields else None, messages)
