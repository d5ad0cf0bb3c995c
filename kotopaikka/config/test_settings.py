"""Settings for the test suite: the normal settings in `test` mode (development keys, tasks inline)."""

import os

os.environ.setdefault("ENVIRONMENT", "test")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = [
    # Still Argon2 (so hashing is exercised), with parameters cheap enough for hundreds of users.
    "kotopaikka.config.test_hashers.CheapArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
