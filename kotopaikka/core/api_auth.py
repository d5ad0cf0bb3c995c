"""Session authentication for the API with its CSRF refusal in the user's language (DRF's
says "CSRF Failed: CSRF token missing." in English, from Django's reason for developers)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(
                _("The CSRF check failed: reload the page, or send the X-CSRFToken header."),
                code="csrf_failed",
            ) from None


class SessionScheme(OpenApiAuthenticationExtension):
    """The schema's `cookieAuth` for the session class above (as drf-spectacular's for DRF's)."""

    target_class = SessionAuthentication
    name = "cookieAuth"
    priority = -1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
