"""Form helpers shared by the apps' forms (forms only parse; services validate and decide)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

#: The HTML date input's value format (RFC 3339 full-date), whatever the user's language.
ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The project's one date widget: a browser date picker whose value is `YYYY-MM-DD`.

    Why not Django's `DateInput(attrs={"type": "date"})`: it renders the value in the active
    locale's format (`02.03.2011` in Finnish), which the browser's date input rejects and shows
    empty, so saving an untouched form erased the stored date. The browser shows the date in
    the user's own format anyway; the value attribute must be ISO. (Django accepts ISO input in
    every locale: `get_format` always adds it to `DATE_INPUT_FORMATS`.)
    """

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


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


def error_messages(form: forms.BaseForm) -> list[str]:
    """Each of a bound form's errors as "Field label: message", for pages that report a small
    form's errors as messages after a redirect (the field must be named, not guessed)."""
    found = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        found += [f"{label}: {message}" if label else message for message in errors]
    return found
