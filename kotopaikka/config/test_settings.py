"""Settings for the test suite: the normal settings in `test` mode (development keys, tasks inline)."""

import os

os.environ.setdefault("ENVIRONMENT", "test")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = [
    # Argon2 stays first so that hashing is exercised; tests create few users.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
