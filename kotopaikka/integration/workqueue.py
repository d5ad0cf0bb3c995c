"""What is due for each client, computed from the dated rules: the work queue of integration
staff. Nothing here is stored; a rule nobody has set shows as such (never a guessed date)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import deadlines
from .assessments import WINDOW_RULE, window_closes_on
from .minors import support_end_for
from .models import IntegrationClient, IntegrationPlan, ServiceKind
from .orientation import progress
from .plans import REVIEW_RULE, next_review_due

ACTIVE = (
    IntegrationClient.Status.RECEIVED,
    IntegrationClient.Status.ASSESSMENT,
    IntegrationClient.Status.PLAN_ACTIVE,
)


def with_queue_data(clients: models.QuerySet) -> models.QuerySet:
    """The active clients of `clients` with what `items_for` reads, in a fixed number of
    queries (the page's queue and the e-mail reminders use the same)."""
    return (
        clients.filter(status__in=ACTIVE)
        .select_related("person", "responsible_worker", "minor_support")
        .prefetch_related(
            "assessments",
            models.Prefetch(
                "plans",
                queryset=IntegrationPlan.objects.prefetch_related("measures", "reviews"),
            ),
            "orientation_groups",
            "attendances__session",
            "self_study",
        )
    )


class ItemKind(models.TextChoices):
    ASSESSMENT_START = "assessment_start", _("Start the assessment")
    ASSESSMENT_WINDOW = "assessment_window", _("Assessment possible until")
    PLAN_DUE = "plan_due", _("Make the integration plan")
    REVIEW = "review", _("Review the integration plan")
    ENROLMENT = "enrolment", _("Enrol the client in services")
    ORIENTATION = "orientation", _("Civic orientation hours short")
    SUPPORT_ENDS = "support_ends", _("Support of an unaccompanied minor ends")


class ItemState(models.TextChoices):
    OVERDUE = "overdue", _("overdue")
    DUE_SOON = "due_soon", _("due soon")
    UPCOMING = "upcoming", _("upcoming")
    RULE_UNSET = "rule_unset", _("rule not set")
    DATE_MISSING = "date_missing", _("date missing")


@dataclass(frozen=True)
class DueItem:
    client: IntegrationClient
    kind: str
    state: str
    due_on: dt.date | None = None
    rule_key: str = ""
    detail: dict = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return ItemKind(self.kind).label

    @property
    def state_label(self) -> str:
        return ItemState(self.state).label


def _state(due_on: dt.date, today: dt.date) -> str:
    if due_on < today:
        return ItemState.OVERDUE
    if due_on <= today + dt.timedelta(days=settings.KOTOPAIKKA_DUE_SOON_DAYS):
        return ItemState.DUE_SOON
    return ItemState.UPCOMING


def _dated(client, kind, rule_key, compute, today, **detail) -> DueItem:
    try:
        due_on = compute()
    except ValidationError:  # RuleNotSet: the administrator has not entered the value
        return DueItem(client, kind, ItemState.RULE_UNSET, None, rule_key, detail)
    return DueItem(client, kind, _state(due_on, today), due_on, rule_key, detail)


def items_for(client: IntegrationClient, today: dt.date) -> list[DueItem]:
    """The open items of one client (expects assessments, plans with measures and reviews
    prefetched, as `selectors.work_queue` does)."""
    if client.status not in ACTIVE:
        return []
    items: list[DueItem] = []
    assessments = list(client.assessments.all())
    plans = sorted(client.plans.all(), key=lambda p: p.version)
    exempt = client.trafficking_victim
    if not assessments:
        rule = "integration.assessment.start_deadline"
        items.append(
            _dated(
                client,
                ItemKind.ASSESSMENT_START,
                rule,
                lambda: deadlines.days_rule(rule, client.client_since),
                today,
            )
        )
    if not any(a.completed_on for a in assessments) and not exempt:
        if client.residence_permit_on is None:
            items.append(DueItem(client, ItemKind.ASSESSMENT_WINDOW, ItemState.DATE_MISSING))
        else:
            items.append(  # the same last day as the assessment's own check
                _dated(
                    client,
                    ItemKind.ASSESSMENT_WINDOW,
                    WINDOW_RULE,
                    lambda: window_closes_on(client),
                    today,
                )
            )
    plan_needed = not assessments or any(a.plan_needed for a in assessments)
    if not plans and plan_needed and not exempt:
        if client.residence_permit_on is None:
            items.append(DueItem(client, ItemKind.PLAN_DUE, ItemState.DATE_MISSING))
        else:
            rule = "integration.plan.due_after_first_permit"
            items.append(
                _dated(
                    client,
                    ItemKind.PLAN_DUE,
                    rule,
                    lambda: deadlines.months_rule(rule, client.residence_permit_on),
                    today,
                )
            )
    if plans and client.status == IntegrationClient.Status.PLAN_ACTIVE:
        items.extend(_plan_items(client, plans, today))
    if getattr(client, "minor_support", None) is not None:
        item = _support_item(client, today)
        if item is not None:
            items.append(item)
    return items


def _support_item(client, today) -> DueItem | None:
    """The approaching end of an unaccompanied minor's support (within the notice period)."""
    try:
        end = support_end_for(client)
    except ValidationError:
        return DueItem(client, ItemKind.SUPPORT_ENDS, ItemState.RULE_UNSET)
    if end is None:
        return DueItem(client, ItemKind.SUPPORT_ENDS, ItemState.DATE_MISSING)
    if (end.ends_on - today).days > settings.KOTOPAIKKA_SUPPORT_END_NOTICE_DAYS:
        return None
    return DueItem(
        client,
        ItemKind.SUPPORT_ENDS,
        _state(end.ends_on, today),
        end.ends_on,
        "integration.unaccompanied.support_age_limit",
        {"age_limit": end.age_limit, "approximate": end.approximate},
    )


def _plan_items(client, plans, today) -> list[DueItem]:
    current, first = plans[-1], plans[0]
    items = []
    items.append(
        _dated(
            client,
            ItemKind.REVIEW,
            REVIEW_RULE,
            lambda: next_review_due(plans),
            today,
        )
    )
    measures = list(current.measures.all())
    enrolled = any(m.enrolled_on for p in plans for m in p.measures.all())
    if not enrolled and not client.orientation_groups.exists():
        rule = "integration.plan.enrolment_within"
        items.append(
            _dated(
                client,
                ItemKind.ENROLMENT,
                rule,
                lambda: deadlines.months_rule(rule, first.starts_on),
                today,
            )
        )
    orientation = [m for m in measures if m.service == ServiceKind.CIVIC_ORIENTATION]
    if orientation:
        done = progress(client, today)
        if not done.complete:
            end = max((m.ends_on or current.ends_on) for m in orientation)
            rule = "integration.civic_orientation.min_hours"
            item = _dated(
                client,
                ItemKind.ORIENTATION,
                rule,
                lambda: deadlines.time_limit_end(end),
                today,
                hours=done.hours,
                minimum=done.minimum,
                missing_topics=len(done.missing_topics),
            )
            if done.minimum is None:
                item = DueItem(client, ItemKind.ORIENTATION, ItemState.RULE_UNSET, None, rule)
            items.append(item)
    return items


ORDER = {
    ItemState.OVERDUE: 0,
    ItemState.DUE_SOON: 1,
    ItemState.RULE_UNSET: 2,
    ItemState.DATE_MISSING: 3,
    ItemState.UPCOMING: 4,
}


def sort_items(items: list[DueItem]) -> list[DueItem]:
    """Overdue first, then due soon, then what cannot be computed, then the rest; by date."""
    return sorted(items, key=lambda i: (ORDER[i.state], i.due_on or dt.date.max, i.kind))
