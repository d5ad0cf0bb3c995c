"""Users and the roles they hold in organisations."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from kotopaikka.registry.models import Organisation

from .roles import ROLE_ORGANISATION_KINDS, Role


class User(AbstractUser):
    """A person who logs in. What they may do comes only from their role assignments."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class RoleAssignment(models.Model):
    """A role held by a user in one organisation. A user may hold several."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["user", "organisation__code", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_role_per_org"
            )
        ]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def clean(self) -> None:
        allowed = ROLE_ORGANISATION_KINDS.get(self.role, frozenset())
        if self.organisation_id and self.organisation.kind not in allowed:
            raise ValidationError(
                {
                    "organisation": _(
                        "The role %(role)s cannot be held in an organisation of kind %(kind)s."
                    )
                    % {
                        "role": self.get_role_display(),
                        "kind": self.organisation.get_kind_display(),
                    }
                }
            )

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.organisation}"


class ApiToken(AbstractAuthToken):
    """An API token of one device (django-rest-knox, `KNOX_TOKEN_MODEL`): only the token's
    SHA-512 digest is stored, with the first characters knox uses to find the row, so neither
    a database dump nor an administrator can act as the user with it. It expires
    (`API_TOKEN_TTL_HOURS`) and is revoked on its own (logout) or with all the user's others.

    The primary key is a random id, not knox's digest, so that the admin's and the API's
    addresses of a token (revoke by id) carry nothing derived from the secret.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True, editable=False)
    # knox's fields again, with names for the admin (knox finds tokens by `auth_token_set`)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="auth_token_set", verbose_name=_("user")
    )
    created = models.DateTimeField(_("created at"), auto_now_add=True)
    expiry = models.DateTimeField(_("expires at"), null=True, blank=True)
    device = models.CharField(
        _("device"),
        max_length=100,
        blank=True,
        help_text=_("The name the client gave at login, else its User-Agent."),
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:  # no secret, not even the digest (the change log copies it)
        created = f" ({self.created:%Y-%m-%d %H:%M})" if self.created else ""
        return f"{self.user} – {self.device or '-'}{created}"
