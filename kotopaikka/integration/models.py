"""Integration services: the client record of a municipality's integration services
(kotoutuja-asiakas), with the dates that drive the deadlines and the state's compensation, its
timeline, and health information kept apart for the roles that need it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotopaikka.people.models import Person
from kotopaikka.registry.models import Municipality


class ClientQuerySet(models.QuerySet):
    def for_actor(self, actor) -> ClientQuerySet:
        from .scope import client_scope_q

        return self.filter(client_scope_q(actor))


class IntegrationClient(models.Model):
    """A person served by a municipality's integration services."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ASSESSMENT = "assessment", _("in assessment")
        PLAN_ACTIVE = "plan_active", _("integration plan active")
        PLAN_ENDED = "plan_ended", _("integration plan ended")
        MOVED_AWAY = "moved_away", _("moved away")
        CLOSED = "closed", _("closed")

    class Group(models.TextChoices):
        """The person's group under the Integration Act (it decides the compensation period
        and which services the municipality must offer)."""

        QUOTA_REFUGEE = "quota_refugee", _("quota refugee")
        INTERNATIONAL_PROTECTION = "international_protection", _("international protection")
        TEMPORARY_PROTECTION = "temporary_protection", _("temporary protection")
        FAMILY_MEMBER = "family_member", _("family member of these")
        OTHER = "other", _("other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="integration_client"
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="integration_clients",
        verbose_name=_("municipality"),
    )
    group = models.CharField(
        _("group under the Integration Act"),
        max_length=24,
        choices=Group.choices,
        default=Group.OTHER,
    )
    client_since = models.DateField(_("client since"))
    arrived_on = models.DateField(_("arrival in the municipality"), null=True, blank=True)
    first_residence_date = models.DateField(
        _("first municipality of residence registered on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the first municipality of residence was registered in the Population "
            "Information System; starts the state's calculated compensation period."
        ),
    )
    residence_permit_on = models.DateField(_("first residence permit"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="integration_clients",
        verbose_name=_("responsible worker"),
    )
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(
        _("interpreting language"), max_length=3, blank=True, help_text=_("ISO 639 code")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["person__family_name", "person__given_names"]
        verbose_name = _("integration client")
        verbose_name_plural = _("integration clients")

    def __str__(self) -> str:
        return str(self.person)


class ClientEvent(models.Model):
    """The client's timeline: what happened, in words a case worker reads (the audit log,
    which also holds every read, is separate)."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("became a client")
        UPDATED = "updated", _("client details changed")
        STATUS = "status", _("status changed")
        HEALTH = "health", _("health information changed")

    client = models.ForeignKey(IntegrationClient, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor_username = models.CharField(_("by"), max_length=150, blank=True)
    organisation_code = models.CharField(_("organisation"), max_length=40, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("client event")
        verbose_name_plural = _("client events")


class ClientHealth(models.Model):
    """Health and functional-capacity information: special-category data, shown and changed
    only by roles with `Op.CLIENT_HEALTH` (a separate view level from the client record)."""

    client = models.OneToOneField(
        IntegrationClient, on_delete=models.CASCADE, related_name="health"
    )
    functional_capacity = models.TextField(_("functional capacity"), blank=True)
    health_notes = models.TextField(_("health information relevant to services"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("health information")
        verbose_name_plural = _("health information")
