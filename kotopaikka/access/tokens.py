"""API tokens: issue, list and revoke a user's tokens, and authenticate requests with them.

The tokens are django-rest-knox's, in `access.ApiToken`: the client gets the token once, at
login; the database keeps only its SHA-512 digest (and the first 15 of its 64 hexadecimal
characters, by which knox finds the row), so a database dump, a backup or an administrator
in the Django admin cannot act as the user. Each token belongs to one device (named at
login), expires after `API_TOKEN_TTL_HOURS`, and is revoked alone (logout, or by its id) or
with all the user's others (logout-all). A user holds at most `API_TOKEN_LIMIT_PER_USER`
live tokens.

Only this module writes `ApiToken` (knox's authentication deletes an expired token when it
is presented; that happens here too, in the subclass below).
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox import auth as knox_auth
from knox.settings import knox_settings
from rest_framework import exceptions

from kotopaikka.core.errors import ConflictError

from .models import ApiToken, User

#: the longest device name kept (the client's, else its User-Agent, cut to this length)
DEVICE_MAX_LENGTH = ApiToken._meta.get_field("device").max_length


class TokenLimitReached(ConflictError):
    """The user already holds the most live tokens allowed: 409, revoke one first."""

    conflict_code = "token_limit"

    def __init__(self, limit: int):
        super().__init__(
            _(
                "You already have %(limit)s active API tokens: log out on a device you no "
                "longer use (or revoke a token) before creating another."
            )
            % {"limit": limit}
        )
        self.limit = limit

    def payload(self) -> dict:
        return {"limit": self.limit}


def live_tokens(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that have not expired, newest first."""
    return ApiToken.objects.filter(user=user).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    )


@transaction.atomic
def token_issue(*, user: User, device: str) -> tuple[ApiToken, str]:
    """A new token for `user` on `device`: (the stored row, the token itself).

    The token is returned once and never stored; expired tokens of the user are removed
    first, and the limit counts the live ones (the user row is locked while counting, so two
    logins at once cannot both pass the limit).
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    ApiToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and live_tokens(user).count() >= limit:
        raise TokenLimitReached(limit)
    instance, token = ApiToken.objects.create(
        user=user, expiry=knox_settings.TOKEN_TTL, device=device[:DEVICE_MAX_LENGTH]
    )
    return instance, token


def token_revoke(*, user: User, token_id: uuid.UUID | str) -> bool:
    """Revoke one of the user's own tokens; False if the user has no token with this id."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def token_revoke_all(*, user: User) -> int:
    """Revoke every token of the user (every device); returns how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's `Authorization: Token <token>`, refusing a header that is not ASCII with a 401
    (knox decodes it as UTF-8 and answers such a header with a 500)."""

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(gettext_lazy("Invalid token.")) from None
        return super().authenticate_credentials(token)


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's `tokenAuth`: `Authorization: Token <token>` from `POST /auth/token/`."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'A token from POST /api/v1/auth/token/, sent as "Token <token>". It expires '
                "(see `expiry` in the login answer) and is revoked by POST /api/v1/auth/logout/."
            ),
        }
