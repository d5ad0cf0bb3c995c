"""The one declared schema of Kotopaikka's environment variables.

Every setting that differs between machines is read here, with its type and default, so that
operators have a single list to read (mirrored in `.env.example`). Production mode (DEBUG off)
refuses to start when a secret is missing rather than running on a development default.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]

#: name -> (type, default). `environ.Env.NOTSET` marks a variable without a default.
SCHEMA: dict[str, tuple[type, object]] = {
    # production | development | test. Production is the default so that a forgotten setting
    # can never run a real deployment on development keys.
    "ENVIRONMENT": (str, "production"),
    "DEBUG": (bool, False),
    "SECRET_KEY": (str, ""),
    "ALLOWED_HOSTS": (list, ["127.0.0.1", "localhost"]),
    "CSRF_TRUSTED_ORIGINS": (list, []),
    "DATABASE_URL": (str, f"sqlite:///{BASE_DIR / 'var' / 'kotopaikka.sqlite3'}"),
    # Keys protecting personal data. Separate keys so that each can be rotated on its own.
    "FIELD_ENCRYPTION_KEYS": (list, []),  # Fernet keys, newest first (MultiFernet rotation)
    "IDENTIFIER_HASH_KEY": (str, ""),  # HMAC key for exact-match lookup of identity codes
    "AUDIT_CHAIN_KEY": (str, ""),  # HMAC key for the audit hash chain
    "PSEUDONYM_KEY": (str, ""),  # HMAC key for pseudonyms shown to the ministry
    # Signed checkpoints of the audit chain (docs/security.md): the Ed25519 signing key (32
    # random bytes, base64), the directory their file is appended to, minutes between two.
    "KOTOPAIKKA_AUDIT_CHECKPOINT_KEY": (str, ""),
    "KOTOPAIKKA_AUDIT_CHECKPOINT_DIR": (str, str(BASE_DIR / "var" / "audit-checkpoints")),
    "KOTOPAIKKA_AUDIT_CHECKPOINT_INTERVAL_MINUTES": (int, 10),
    "SESSION_IDLE_SECONDS": (int, 30 * 60),
    # API tokens (django-rest-knox): hours until a token expires; live tokens a user may hold
    "API_TOKEN_TTL_HOURS": (int, 10),
    "API_TOKEN_LIMIT_PER_USER": (int, 10),
    "LOGIN_FAILURE_LIMIT": (int, 5),
    "LOGIN_COOLOFF_MINUTES": (int, 15),
    "TRUST_X_FORWARDED_FOR": (bool, False),
    "SECURE_SSL_REDIRECT": (bool, False),
    "SECURE_HSTS_SECONDS": (int, 0),
    "LOG_LEVEL": (str, "INFO"),
    "STATIC_ROOT": (str, str(BASE_DIR / "var" / "static")),
    "TASKS_IMMEDIATE": (bool, False),  # run background tasks inline (tests)
    "DEMO_MODE": (bool, False),  # show the "synthetic data" banner on every page
    "EMAIL_URL": (str, "consolemail://"),  # e.g. smtp+tls://user:password@smtp.example.fi:587
    "DEFAULT_FROM_EMAIL": (str, "kotopaikka@localhost"),
    # Feedback address of the accessibility statement (required by `check --deploy` in production)
    "ACCESSIBILITY_FEEDBACK_EMAIL": (str, ""),
}

env = environ.Env(**SCHEMA)  # type: ignore[arg-type]
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

#: Secrets that must be set explicitly when DEBUG is off.
PRODUCTION_SECRETS = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "IDENTIFIER_HASH_KEY",
    "AUDIT_CHAIN_KEY",
    "PSEUDONYM_KEY",
    "KOTOPAIKKA_AUDIT_CHECKPOINT_KEY",
)


ENVIRONMENTS = ("production", "development", "test")


def environment() -> str:
    """The deployment mode, validated."""
    value = env("ENVIRONMENT")
    if value not in ENVIRONMENTS:
        raise ImproperlyConfigured(
            f"ENVIRONMENT must be one of {', '.join(ENVIRONMENTS)}, not {value!r}."
        )
    return value


def require_production_secrets(mode: str) -> None:
    """Fail fast in production mode when any secret is missing."""
    if mode != "production":
        return
    missing = [name for name in PRODUCTION_SECRETS if not env(name)]
    if missing:
        raise ImproperlyConfigured(
            "Production mode (ENVIRONMENT=production) needs these environment variables: "
            + ", ".join(missing)
            + ". See .env.example."
        )
