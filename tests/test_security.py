"""Security controls: password hashing, login throttling, CSRF, headers, sessions, fail-fast
production configuration, audit classification of every model, anonymous access."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

import kotopaikka.config.settings as base_settings
from kotopaikka.access.models import User
from kotopaikka.core import audit_policy
from kotopaikka.people.models import Person

PASSWORD = "correct-horse-battery-staple-42"
LOGIN_URL = "/accounts/login/"


@pytest.fixture
def user_with_password(helsinki_worker) -> User:
    user = helsinki_worker.user
    user.set_password(PASSWORD)
    user.save()
    return user


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- passwords ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_hasher_is_argon2(user_with_password):
    user = User.objects.get(pk=user_with_password.pk)
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)
    # The real (non-test) settings use Argon2 first, too.
    assert base_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


# --- login throttling (django-axes) ---------------------------------------------------------------


@pytest.mark.django_db
def test_correct_password_logs_in(user_with_password):
    """Control for the lock-out test: the same credentials work before any failure."""
    client = Client()
    response = client.post(
        LOGIN_URL, {"username": user_with_password.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_login_locked_after_repeated_failures(user_with_password):
    username = user_with_password.username
    # Control: the correct password works first.
    control = Client()
    response = control.post(LOGIN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in(control)

    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit):
        response = client.post(LOGIN_URL, {"username": username, "password": "wrong-password-123"})
        assert response.status_code in (200, 429)
        assert not _logged_in(client)

    response = client.post(LOGIN_URL, {"username": username, "password": PASSWORD})
    assert not _logged_in(client)
    assert response.status_code == 429
    # The lock-out page, not the login form again.
    assert settings.AXES_LOCKOUT_TEMPLATE in [t.name for t in response.templates]


@pytest.mark.django_db
def test_failures_below_the_limit_do_not_lock(user_with_password):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(
            LOGIN_URL, {"username": user_with_password.username, "password": "wrong-1234567"}
        )
    response = client.post(
        LOGIN_URL, {"username": user_with_password.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_forged_forwarded_for_does_not_escape_the_lock(user_with_password):
    """X-Forwarded-For is not trusted by default, so rotating it does not reset the counter."""
    username = user_with_password.username
    for i in range(settings.AXES_FAILURE_LIMIT):
        Client(headers={"X-Forwarded-For": f"10.0.0.{i}"}).post(
            LOGIN_URL, {"username": username, "password": "wrong-password-123"}
        )
    client = Client(headers={"X-Forwarded-For": "10.0.0.99"})
    response = client.post(LOGIN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 429
    assert not _logged_in(client)


@pytest.mark.django_db
def test_api_token_endpoint_locks_out_too(user_with_password, clean_cache):
    username = user_with_password.username
    client = Client()
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"username": username, "password": "wrong-password-123"},
            content_type="application/json",
        ).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    # the failure that reaches the limit is already answered as a lock-out (JSON, 429)
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429
    body = response.json()
    assert "token" not in body and body["code"] == "too_many_attempts"


@pytest.mark.django_db
def test_api_token_endpoint_gives_token_without_failures(user_with_password, clean_cache):
    """Control for the lock-out test above."""
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": user_with_password.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["token"]


# --- CSRF -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused(helsinki_worker, client_for):
    client = client_for(helsinki_worker, enforce_csrf_checks=True)
    url = reverse("people:create")
    form = {
        "given_names": "Testi",
        "family_name": "Csrf",
        "date_of_birth": "1990-01-01",
    }
    count = Person.objects.count()
    response = client.post(url, form)
    assert response.status_code == 403
    assert Person.objects.count() == count

    # Control: the same client with the token from the form gets past the CSRF check.
    client.get(url)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(url, {**form, "csrfmiddlewaretoken": token})
    assert response.status_code != 403


@pytest.mark.django_db
def test_api_with_session_needs_csrf_but_token_does_not(helsinki_worker, client_for):
    from kotopaikka.access.models import ApiToken

    payload = json.dumps(
        {"given_names": "Api", "family_name": "Csrf", "date_of_birth": "1990-01-01"}
    )
    count = Person.objects.count()
    session_client = client_for(helsinki_worker, enforce_csrf_checks=True)
    response = session_client.post("/api/v1/persons/", payload, content_type="application/json")
    assert response.status_code == 403
    assert Person.objects.count() == count

    _, key = ApiToken.objects.create(user=helsinki_worker.user)
    token_client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Token {key}"})
    response = token_client.post("/api/v1/persons/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Person.objects.count() == count + 1


# --- headers --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_secure_headers(helsinki_worker, client_for):
    response = client_for(helsinki_worker).get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    directives = {d.strip().split(" ", 1)[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives["default-src"] == "default-src 'self'"
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Request-ID"]


@pytest.mark.django_db
def test_request_id_is_kept_when_well_formed_and_replaced_otherwise(helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    response = client.get("/", headers={"X-Request-ID": "trace-abc-12345"})
    assert response.headers["X-Request-ID"] == "trace-abc-12345"
    response = client.get("/", headers={"X-Request-ID": "<script>"})
    assert response.headers["X-Request-ID"] != "<script>"
    assert len(response.headers["X-Request-ID"]) == 36  # a fresh UUID


def test_login_page_has_secure_headers_too(db):
    response = Client().get(LOGIN_URL)
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


# --- sessions -------------------------------------------------------------------------------------


def test_session_settings():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


@pytest.mark.django_db
def test_session_cookie_is_http_only_and_renewed_on_every_request(helsinki_worker, client_for):
    client = client_for(helsinki_worker)
    response = client.get("/")
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    assert cookie is not None, "the session cookie is sent again (idle expiry restarts)"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


# --- production mode fails fast -------------------------------------------------------------------

SECRETS = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "IDENTIFIER_HASH_KEY",
    "AUDIT_CHAIN_KEY",
    "PSEUDONYM_KEY",
    "KOTOPAIKKA_AUDIT_CHECKPOINT_KEY",
)


def _run_setup(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SECRETS and key not in ("ENVIRONMENT", "DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "ENVIRONMENT": "production",
            "DJANGO_SETTINGS_MODULE": "kotopaikka.config.settings",
            **extra_env,
        }
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=settings.BASE_DIR if hasattr(settings, "BASE_DIR") else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _all_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": "x" * 60,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "IDENTIFIER_HASH_KEY": "identifier-hash-key-for-this-test",
        "AUDIT_CHAIN_KEY": "audit-chain-key-for-this-test",
        "PSEUDONYM_KEY": "pseudonym-key-for-this-test",
        "KOTOPAIKKA_AUDIT_CHECKPOINT_KEY": base64.b64encode(os.urandom(32)).decode(),
    }


def test_production_without_secrets_fails_fast():
    result = _run_setup({})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for name in SECRETS:
        assert name in result.stderr


def test_production_missing_one_secret_names_it():
    secrets = _all_secrets()
    del secrets["PSEUDONYM_KEY"]
    result = _run_setup(secrets)
    assert result.returncode != 0
    assert "PSEUDONYM_KEY" in result.stderr
    assert "SECRET_KEY" not in result.stderr.split("needs these environment variables")[-1]


def test_production_refuses_to_start_without_the_audit_checkpoint_key():
    """The key that signs the audit checkpoints has no default outside development and tests."""
    secrets = _all_secrets()
    del secrets["KOTOPAIKKA_AUDIT_CHECKPOINT_KEY"]
    result = _run_setup(secrets)
    assert result.returncode != 0
    assert "KOTOPAIKKA_AUDIT_CHECKPOINT_KEY" in result.stderr.split("environment variables")[-1]


def test_a_malformed_audit_checkpoint_key_fails_at_start_up():
    result = _run_setup({**_all_secrets(), "KOTOPAIKKA_AUDIT_CHECKPOINT_KEY": "c2hvcnQ="})
    assert result.returncode != 0
    assert "KOTOPAIKKA_AUDIT_CHECKPOINT_KEY must be 32 random bytes" in result.stderr


def test_production_with_all_secrets_starts():
    result = _run_setup(_all_secrets())
    assert result.returncode == 0, result.stderr


def test_production_with_a_malformed_encryption_key_fails_at_start_up():
    result = _run_setup({**_all_secrets(), "FIELD_ENCRYPTION_KEYS": "not-a-fernet-key"})
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


@pytest.mark.django_db
def test_roles_in_an_ended_regional_authority_cannot_be_used(make_actor):
    """ELY centres ended on 31.12.2025: their roles stop working even if the organisation row
    was not marked inactive by a registry reload."""
    from kotopaikka.access.policy import resolve_actor
    from kotopaikka.access.roles import Role
    from kotopaikka.registry.models import Organisation

    Organisation.objects.filter(code="ely-01").update(is_active=True)
    ely = make_actor(Role.PLACEMENT_OFFICER, "ely-01")
    evk = make_actor(Role.PLACEMENT_OFFICER, "evk-01")
    assert resolve_actor(ely.user) is None
    assert resolve_actor(evk.user).organisation.code == "evk-01"


# --- every model is classified for audit ----------------------------------------------------------


def test_all_models_classified():
    audit_policy.check_all_models_classified()
    assert audit_policy.unclassified_models() == []
    assert audit_policy.classification("people.Person") == "personal"
    assert audit_policy.classification("registry.Municipality") == "change_logged"


def test_unclassified_model_is_refused(monkeypatch):
    monkeypatch.setattr(audit_policy, "PERSONAL", audit_policy.PERSONAL - {"people.Person"})
    assert audit_policy.unclassified_models() == ["people.Person"]
    with pytest.raises(ImproperlyConfigured, match=r"people\.Person"):
        audit_policy.check_all_models_classified()


def test_no_model_is_classified_twice():
    personal = set(audit_policy.PERSONAL)
    logged = set(audit_policy.CHANGE_LOGGED)
    not_audited = set(audit_policy.NOT_AUDITED)
    assert personal & logged == set()
    assert personal & not_audited == set()
    assert logged & not_audited == set()


# --- anonymous users ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_is_redirected_to_login():
    response = Client().get("/persons/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(LOGIN_URL)
    assert "next=/persons/" in response.headers["Location"]


@pytest.mark.django_db
def test_anonymous_api_is_refused(helsinki_worker, make_person):
    person = make_person(helsinki_worker)
    client = Client()
    for url in ("/api/v1/persons/", f"/api/v1/persons/{person.pk}/"):
        response = client.get(url)
        assert response.status_code in (401, 403), url
        assert str(person.pk) not in response.content.decode()
        assert person.family_name not in response.content.decode()
