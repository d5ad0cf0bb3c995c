"""Print request headers that authenticate as a demo user, for the API contract stage.

    python .ci/api_session.py USERNAME  ->  two lines: "Cookie: …" and "X-CSRFToken: …"

A session is made in the database directly (as `Client.force_login` does), so the stage does
not depend on how the login or token endpoint works (the token library is being replaced):
to authenticate another way, change only this file. The CSRF secret is sent both as the
cookie and as the header, which is what Django's CSRF check compares for unsafe methods.
"""

from __future__ import annotations

import os
import secrets
import string
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotopaikka.config.settings")


def session_headers(username: str) -> list[str]:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(3600)
    session.create()
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    return [
        f"Cookie: {settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
        f"X-CSRFToken: {csrf}",
    ]


if __name__ == "__main__":
    print("\n".join(session_headers(sys.argv[1])))
