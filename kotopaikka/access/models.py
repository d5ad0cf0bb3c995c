"""Users and the roles they hold in organisations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

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
