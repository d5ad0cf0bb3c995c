"""Language selection: Finnish unless the user has chosen otherwise."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class FinnishFirstLocaleMiddleware(LocaleMiddleware):
    """The UI speaks Finnish by default, whatever the browser's Accept-Language says.

    A Finnish public service starts in Finnish; the user switches to Swedish or English with the
    language buttons (kept in the language cookie). API clients, which have no buttons, get
    their `Accept-Language` honoured.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
