"""Integration services. For now: the integration-client record that arrival in a municipality
creates, which also carries the start of the compensation period."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from kotopaikka.people.models import Person
from kotopaikka.registry.models import Municipality


class IntegrationClient(models.Model):
    """A person served by a municipality's integration services (kotoutuja-asiakas)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ASSESSMENT = "assessment", _("skills and service-need assessment")
        PLAN = "plan", _("integration plan")
        SERVICES = "services", _("in services")
        CLOSED = "closed", _("closed")

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
    client_since = models.DateField(_("client since"))
    first_residence_date = models.DateField(
        _("first municipality of residence from"),
        help_text=_("Starts the state's calculated compensation period."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("integration client")
        verbose_name_plural = _("integration clients")
