"""Settings for the test suite: the normal settings in `test` mode (development keys, tasks inline)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("ENVIRONMENT", "test")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = [
    # Still Argon2 (so hashing is exercised), with parameters cheap enough for hundreds of users.
    "kotopaikka.config.test_hashers.CheapArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]

# Never the repository's var/: a test that writes checkpoints uses the `checkpoint_dir` fixture
# (its own directory); this is only where a stray one would land, one directory per process.
KOTOPAIKKA_AUDIT_CHECKPOINT_DIR = str(
    Path(tempfile.gettempdir()) / f"kotopaikka-test-checkpoints-{os.getpid()}"
)
