"""Daily reminders of the work queue: each integration worker with overdue or soon-due items
gets one e-mail with the counts and a link, no names (an e-mail leaves the system: it
carries no personal data), in the municipality's language."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kotopaikka.access.models import RoleAssignment

from . import workqueue
from .deadlines import rules_snapshot
from .models import IntegrationClient
from .scope import MUNICIPAL_ROLES


def counts_for(assignment: RoleAssignment, today: dt.date) -> Counter:
    """Overdue and due-soon items of the worker's clients and the unassigned ones."""
    clients = workqueue.with_queue_data(
        IntegrationClient.objects.filter(
            municipality_id=assignment.organisation.municipality_id
        ).filter(Q(responsible_worker_id=assignment.user_id) | Q(responsible_worker__isnull=True))
    )
    states: Counter = Counter()
    with rules_snapshot():
        for client in clients:
            states.update(i.state for i in workqueue.items_for(client, today))
    return states


def send_queue_reminders(today: dt.date | None = None) -> int:
    """Send today's reminders; returns how many workers were reminded."""
    today = today or timezone.localdate()
    assignments = (
        RoleAssignment.objects.filter(
            role__in=MUNICIPAL_ROLES,
            is_active=True,
            user__is_active=True,
            organisation__municipality__isnull=False,
        )
        .exclude(user__email="")
        .select_related("user", "organisation__municipality")
    )
    messages = []
    for assignment in assignments:
        states = counts_for(assignment, today)
        overdue, soon = states[workqueue.ItemState.OVERDUE], states[workqueue.ItemState.DUE_SOON]
        if not overdue and not soon:
            continue
        with translation.override(assignment.organisation.municipality.correspondence_language):
            subject = _("Kotopaikka: your work queue")
            body = "\n".join(
                [
                    ngettext("%(n)s task is overdue.", "%(n)s tasks are overdue.", overdue)
                    % {"n": overdue},
                    ngettext(
                        "%(n)s task is due within %(days)s days.",
                        "%(n)s tasks are due within %(days)s days.",
                        soon,
                    )
                    % {"n": soon, "days": settings.KOTOPAIKKA_DUE_SOON_DAYS},
                    _("Open the work queue in Kotopaikka: %(path)s")
                    % {"path": "/integration/queue/"},
                ]
            )
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [assignment.user.email]))
    send_mass_mail(messages, fail_silently=False)
    return len(messages)


@task()
def send_queue_reminders_task() -> int:
    """Background task (django-tasks-db worker): enqueue daily with `manage.py remind_queue`."""
    return send_queue_reminders()
