"""Print request headers that authenticate as a demo user, for the API contract stage.

    python .ci/api_session.py USERNAME           ->  "Cookie: …" and "X-CSRFToken: …"
    python .ci/api_session.py --token USERNAME URL  ->  "Authorization: Token …"

The first makes a session in the database directly (as `Client.force_login` does), so that
the roles fuzzed with it do not depend on the login endpoint; the CSRF secret is sent both as
the cookie and as the header, which is what Django's CSRF check compares for unsafe methods.

The second logs in as a client would: `POST URL/api/v1/auth/token/` with the demo password
(JSON, the bounded parser) for a django-rest-knox token, which the stage then fuzzes the whole
API with (except the two logout operations, which would revoke it).
"""

from __future__ import annotations

import json
import os
import secrets
import string
import sys
import urllib.request
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


def token_headers(username: str, base_url: str) -> list[str]:
    import django

    django.setup()
    from kotopaikka.portal.demo import DEMO_PASSWORD

    body = {"username": username, "password": DEMO_PASSWORD, "device": "api-contract"}
    request = urllib.request.Request(  # noqa: S310 - the stage's own server on 127.0.0.1
        f"{base_url}/api/v1/auth/token/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        token = json.load(response)["token"]
    return [f"Authorization: Token {token}"]


if __name__ == "__main__":
    if sys.argv[1] == "--token":
        print("\n".join(token_headers(sys.argv[2], sys.argv[3].rstrip("/"))))
    else:
        print("\n".join(session_headers(sys.argv[1])))
