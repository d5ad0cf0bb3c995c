"""Errors of the people domain, raised by selectors and services."""

from __future__ import annotations

from django.http import Http404


class PersonNotFound(Http404):
    """The person does not exist *or* is outside the actor's scope: never tell which."""
