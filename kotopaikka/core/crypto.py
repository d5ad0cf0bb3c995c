"""Encryption and keyed hashing of identifiers.

Identity codes are stored twice, neither readable from a database dump: encrypted with Fernet
(AES-128-CBC + HMAC, keys rotated with MultiFernet, newest first) so that authorised users can
read them, and as an HMAC-SHA256 under a separate key so that an exact match can be found with
an index lookup without decrypting anything.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(plaintext: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def keyed_hash(namespace: str, value: str, key: str | None = None) -> str:
    """HMAC-SHA256 of `namespace:value`; the namespace keeps different identifier kinds apart."""
    secret = (key if key is not None else settings.IDENTIFIER_HASH_KEY).encode()
    return hmac.new(secret, f"{namespace}:{value}".encode(), hashlib.sha256).hexdigest()
