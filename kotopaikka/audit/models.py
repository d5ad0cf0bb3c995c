"""The append-only, hash-chained audit log of personal data.

Each event's hash is an HMAC (keyed with AUDIT_CHAIN_KEY) over its content and the previous
event's hash, so a changed, removed or inserted row breaks the chain and `verify_audit` finds
the first broken link. The application offers no way to change or delete an event, and the
database itself refuses UPDATE and DELETE on the table (triggers, see migration 0002).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be updated")

    def delete(self):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit event through the ORM."""


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        READ = "read", _("viewed")
        LIST = "list", _("listed")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        DENIED = "denied", _("access denied")

    seq = models.BigIntegerField(_("sequence number"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor_user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    organisation_code = models.CharField(_("organisation"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    person_id = models.UUIDField(_("person"), null=True, blank=True, db_index=True)
    subject_ids = models.TextField(
        _("persons shown"), blank=True, help_text=_("Space-separated ids of persons in a list.")
    )
    fields = models.JSONField(_("fields"), default=list)
    detail = models.JSONField(_("detail"), default=dict)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=8, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # Reading the log is a read of personal data: its own permission (kotopaikka/audit/
        # admin.py), not Django's generic view permission that staff roles tend to be given.
        default_permissions = ()
        permissions = [("read_audit_log", _("Can read the audit log (each view is audited)"))]

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AuditLogIsAppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type} {self.object_id}"


class AuditChainHead(models.Model):
    """The newest link of the chain: locked while an event is appended, so links never fork.

    Also lets `verify_audit` notice that the newest events were removed.
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")
