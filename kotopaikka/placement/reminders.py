"""Reminders of undecided proposals, run daily as a background task.

A proposal still awaiting decision two days before its deadline, or overdue, is reminded to
the municipality's integration staff by e-mail (at most once a day), and the officer who sent
it sees it flagged as overdue in the queue.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kotopaikka.access.models import RoleAssignment
from kotopaikka.access.roles import Role

from .models import Proposal

REMIND_DAYS_BEFORE = 2


def due_for_reminder(today: dt.date) -> list[Proposal]:
    return list(
        Proposal.objects.filter(
            status=Proposal.Status.PENDING,
            deadline__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
        )
        .exclude(reminded_on=today)
        .select_related("case", "municipality")
    )


def _recipients_by_municipality(municipality_ids: set[int]) -> dict[int, list[str]]:
    """The e-mail addresses of each municipality's active integration staff (one query)."""
    recipients: dict[int, list[str]] = {}
    if not municipality_ids:
        return recipients
    rows = (
        RoleAssignment.objects.filter(
            organisation__municipality_id__in=municipality_ids,
            role__in=[Role.INTEGRATION_WORKER, Role.MUNICIPAL_SUPERVISOR],
            is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("organisation__municipality_id", "user__email")
        .distinct()
    )
    for municipality_id, email in rows:
        recipients.setdefault(municipality_id, []).append(email)
    return recipients


def send_reminders(today: dt.date | None = None) -> int:
    """Send today's reminders; returns how many proposals were reminded."""
    today = today or timezone.localdate()
    proposals = due_for_reminder(today)
    recipients_of = _recipients_by_municipality({p.municipality_id for p in proposals})
    messages = []
    for proposal in proposals:
        with translation.override(proposal.municipality.correspondence_language):
            recipients = list(recipients_of.get(proposal.municipality_id, []))
            if not recipients:
                continue
            overdue = proposal.deadline < today
            subject = (
                _("Kotopaikka: a placement proposal is overdue")
                if overdue
                else _("Kotopaikka: a placement proposal awaits your decision")
            )
            body = _(
                "Case %(reference)s was proposed to %(municipality)s. Decision due %(deadline)s."
            ) % {
                "reference": proposal.case.reference,
                "municipality": proposal.municipality.name,
                "deadline": proposal.deadline.strftime("%d.%m.%Y"),
            }
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
    with transaction.atomic():
        Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(reminded_on=today)
    send_mass_mail(messages, fail_silently=False)
    return len(proposals)


@task()
def send_reminders_task() -> int:
    """Background task (django-tasks-db worker): enqueue daily with `manage.py remind_proposals`."""
    return send_reminders()
