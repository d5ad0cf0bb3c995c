"""Django settings for Kotopaikka.

Everything that varies between machines comes from the declared schema in `env.py`; this module
only turns those values into Django settings. Security-relevant defaults (Argon2, throttled login,
CSP, secure cookies, idle session expiry) are on in every environment.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, SCHEMA, env, environment, require_production_secrets

ENVIRONMENT = environment()
require_production_secrets(ENVIRONMENT)
DEBUG = env("DEBUG") if ENVIRONMENT == "production" else env.bool("DEBUG", default=True)
if ENVIRONMENT == "test":
    DEBUG = False


def _development_secret(name: str) -> str:
    """A fixed, clearly non-secret value for development and tests only.

    Production never reaches this: `require_production_secrets` has already refused to start.
    """
    return f"kotopaikka-development-only-{name}"


def _secret(name: str) -> str:
    return env(name) or _development_secret(name)


SECRET_KEY = _secret("SECRET_KEY")
FIELD_ENCRYPTION_KEYS: list[str] = env("FIELD_ENCRYPTION_KEYS") or [
    base64.urlsafe_b64encode(
        hashlib.sha256(_development_secret("FIELD_ENCRYPTION_KEYS").encode()).digest()
    ).decode()
]
for _key in FIELD_ENCRYPTION_KEYS:  # fail at start-up, not at the first encryption
    try:
        Fernet(_key.encode())
    except ValueError as _exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes each)."
        ) from _exc
IDENTIFIER_HASH_KEY = _secret("IDENTIFIER_HASH_KEY")
AUDIT_CHAIN_KEY = _secret("AUDIT_CHAIN_KEY")
PSEUDONYM_KEY = _secret("PSEUDONYM_KEY")
# Signed checkpoints of the audit chain (kotopaikka/audit/checkpoints.py): an Ed25519 key
# that is not in the database, so that whoever can rewrite the database cannot sign for it.
KOTOPAIKKA_AUDIT_CHECKPOINT_KEY = (
    env("KOTOPAIKKA_AUDIT_CHECKPOINT_KEY")
    or base64.b64encode(
        hashlib.sha256(_development_secret("KOTOPAIKKA_AUDIT_CHECKPOINT_KEY").encode()).digest()
    ).decode()
)
try:  # fail at start-up, not at the first checkpoint
    if len(base64.b64decode(KOTOPAIKKA_AUDIT_CHECKPOINT_KEY, validate=True)) != 32:
        raise ValueError
except ValueError as _exc:
    raise ImproperlyConfigured(
        "KOTOPAIKKA_AUDIT_CHECKPOINT_KEY must be 32 random bytes, base64-encoded."
    ) from _exc
KOTOPAIKKA_AUDIT_CHECKPOINT_DIR = (
    env("KOTOPAIKKA_AUDIT_CHECKPOINT_DIR") or SCHEMA["KOTOPAIKKA_AUDIT_CHECKPOINT_DIR"][1]
)
if env("KOTOPAIKKA_AUDIT_CHECKPOINT_INTERVAL_MINUTES") < 1:
    raise ImproperlyConfigured("KOTOPAIKKA_AUDIT_CHECKPOINT_INTERVAL_MINUTES must be at least 1.")
KOTOPAIKKA_AUDIT_CHECKPOINT_INTERVAL = timedelta(
    minutes=env("KOTOPAIKKA_AUDIT_CHECKPOINT_INTERVAL_MINUTES")
)

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
if ENVIRONMENT == "test":
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # pg_trgm lookups for the tolerant name search
    "rest_framework",
    "knox",
    "drf_spectacular",
    "django_tasks_db",
    "auditlog",
    "axes",
    "kotopaikka.core",
    "kotopaikka.registry",
    "kotopaikka.rules",
    "kotopaikka.access",
    "kotopaikka.audit",
    "kotopaikka.people",
    "kotopaikka.reporting",
    "kotopaikka.integration",
    "kotopaikka.placement",
    "kotopaikka.compensation",
    "kotopaikka.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kotopaikka.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kotopaikka.core.middleware.FinnishFirstLocaleMiddleware",
    "kotopaikka.core.limits.RequestSizeLimitMiddleware",  # before anything reads a body
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kotopaikka.access.middleware.ActingRoleMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kotopaikka.config.urls"
WSGI_APPLICATION = "kotopaikka.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kotopaikka" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "kotopaikka.access.context_processors.acting_role",
                "kotopaikka.core.context_processors.demo_mode",
                "kotopaikka.portal.navigation.navigation",
            ],
        },
    },
]

# An empty value (as in `.env.example`) means the schema's default, as an unset one does.
_database_url = env("DATABASE_URL") or SCHEMA["DATABASE_URL"][1]
DATABASES = {"default": env.db_url_config(_database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Concurrent users on the embedded database: WAL lets readers run beside the one writer;
    # IMMEDIATE takes the write lock when a transaction begins, so a transaction that reads
    # and then writes (every audited read does) waits up to `timeout` seconds for the lock
    # instead of failing at once with "database is locked" (a deferred transaction cannot wait
    # to upgrade its read lock). Proven by tests/test_sqlite_concurrency.py.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login throttling (django-axes): lock a username from an address after N failures.
AXES_FAILURE_LIMIT = env("LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = timedelta(minutes=env("LOGIN_COOLOFF_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env("TRUST_X_FORWARDED_FOR") else ["REMOTE_ADDR"]
)
TRUST_X_FORWARDED_FOR = env("TRUST_X_FORWARDED_FOR")

# Sessions: idle expiry, closed with the browser, never readable from scripts.
SESSION_COOKIE_AGE = env("SESSION_IDLE_SECONDS")
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = ENVIRONMENT == "production"
CSRF_COOKIE_SECURE = ENVIRONMENT == "production"
LANGUAGE_COOKIE_SECURE = ENVIRONMENT == "production"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Secure headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = bool(SECURE_HSTS_SECONDS)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Internationalisation: Finnish first, then Swedish and English.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kotopaikka" / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "kotopaikka" / "static"]
STATIC_ROOT = env("STATIC_ROOT") or SCHEMA["STATIC_ROOT"][1]
if ENVIRONMENT != "production":
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if ENVIRONMENT != "production":
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = ENVIRONMENT != "production"
MEDIA_ROOT = BASE_DIR / "var" / "media"

# Limits on input (docs/security.md, "Limits on input"). A body over its route's limit is
# refused with 413 before it is read (kotopaikka.core.limits); the imports take a file of up
# to 5 MB (the page's form adds its multipart envelope). JSON is nested at most this deep.
KOTOPAIKKA_MAX_REQUEST_BYTES = 1024 * 1024
KOTOPAIKKA_MAX_REQUEST_BYTES_BY_ROUTE = {
    "api-case-import": 5 * 1024 * 1024,
    "placement:case_import": 5 * 1024 * 1024 + 64 * 1024,
    # an outcome history (placement.outcome_models.MAX_HISTORY_BYTES) and the form around it
    "placement:outcome_models": 20 * 1024 * 1024 + 64 * 1024,
}
KOTOPAIKKA_MAX_JSON_DEPTH = 20
DATA_UPLOAD_MAX_MEMORY_SIZE = KOTOPAIKKA_MAX_REQUEST_BYTES  # Django's own guard, the same
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
CSRF_FAILURE_VIEW = "kotopaikka.core.errorpages.csrf_failure"

# API tokens (django-rest-knox): stored as SHA-512 digests only, in `access.ApiToken` (one per
# device, with its name); each expires, and is revoked by logout (that device) or logout-all.
KNOX_TOKEN_MODEL = "access.ApiToken"  # noqa: S105 - a model name, not a secret
# knox's own migrations would create its (swapped-out, never used) `knox_authtoken` table:
# without them Django leaves the swapped model alone.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env("API_TOKEN_TTL_HOURS")),
    "TOKEN_LIMIT_PER_USER": env("API_TOKEN_LIMIT_PER_USER"),
    "AUTO_REFRESH": False,  # a token lives its TTL from login, however much it is used
    "AUTH_HEADER_PREFIX": "Token",  # `Authorization: Token <token>`, as before knox
}
if REST_KNOX["TOKEN_TTL"] <= timedelta(0) or REST_KNOX["TOKEN_LIMIT_PER_USER"] < 1:
    raise ImproperlyConfigured(
        "API_TOKEN_TTL_HOURS and API_TOKEN_LIMIT_PER_USER must be at least 1."
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that unauthenticated API calls get 401 with WWW-Authenticate.
        "kotopaikka.access.tokens.TokenAuthentication",  # knox's, hashed tokens
        "kotopaikka.core.api_auth.SessionAuthentication",  # CSRF refusal translated
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, parsed with a depth limit and errors in the user's language (core.parsers).
    "DEFAULT_PARSER_CLASSES": ["kotopaikka.core.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "kotopaikka.core.api_schema.KotopaikkaAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": "2000/hour", "token": "20/minute"},
    "EXCEPTION_HANDLER": "kotopaikka.core.api_errors.exception_handler",
}
#: The work queue marks an item "due soon" this many days before its time limit ends.
KOTOPAIKKA_DUE_SOON_DAYS = env.int("KOTOPAIKKA_DUE_SOON_DAYS", default=30)
#: The queue shows the end of an unaccompanied minor's support this many days ahead.
KOTOPAIKKA_SUPPORT_END_NOTICE_DAYS = env.int("KOTOPAIKKA_SUPPORT_END_NOTICE_DAYS", default=180)

#: Resolves an API request's acting role (core's base API view sits below the access layer).
KOTOPAIKKA_API_ACTOR = "kotopaikka.access.api_actor.actor_for_api_request"
SPECTACULAR_SETTINGS = {
    "TITLE": "Kotopaikka API",
    "DESCRIPTION": (
        "Placement of refugees into Finnish municipalities and their integration services. "
        "Every read and change of personal data is audited; every organisation sees only its "
        "own clients."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "NeedEnum": "kotopaikka.placement.models.Need",
        "CaseKindEnum": "kotopaikka.placement.models.PlacementCase.Kind",
        "CaseStatusEnum": "kotopaikka.placement.models.PlacementCase.Status",
        "ProposalStatusEnum": "kotopaikka.placement.models.Proposal.Status",
        "DeclineReasonEnum": "kotopaikka.placement.models.Proposal.DeclineReason",
        "CefrEnum": "kotopaikka.integration.models.Cefr",
        "OrientationTopicEnum": "kotopaikka.integration.models.OrientationTopic",
        "ClientStatusEnum": "kotopaikka.integration.models.IntegrationClient.Status",
        "DueItemStateEnum": "kotopaikka.integration.workqueue.ItemState",
        "RunStatusEnum": "kotopaikka.placement.models.OptimiserRun.Status",
    },
}

TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if env("TASKS_IMMEDIATE") or ENVIRONMENT == "test"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

DEMO_MODE = env("DEMO_MODE")
_email = env.email_url("EMAIL_URL")
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            key.lower(): _email[f"EMAIL_{key}"]
            for key in ("HOST", "PORT", "USE_TLS", "USE_SSL")
            if _email.get(f"EMAIL_{key}") not in (None, "")
        }
        | (
            {"username": _email["EMAIL_HOST_USER"], "password": _email["EMAIL_HOST_PASSWORD"]}
            if _email.get("EMAIL_HOST_USER")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
# The accessibility statement's feedback channel (Act 306/2019): where users report
# accessibility problems and ask for inaccessible content. `check --deploy` fails without it in
# production (portal.checks); other modes show a reserved example address.
ACCESSIBILITY_FEEDBACK_EMAIL = env("ACCESSIBILITY_FEEDBACK_EMAIL") or (
    "" if ENVIRONMENT == "production" else "saavutettavuus@kotopaikka.example"
)

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    "loggers": {"axes": {"level": "WARNING"}},
}
