"""Read-only view of the audit log in the Django admin, for those who need it, itself audited.

The audit log says who viewed or changed which person, so reading it is a read of personal
data: only a user with the permission `audit.read_audit_log` (a superuser has every
permission) sees it, a staff user without it is refused (403, audited like every refusal), and
every page of it writes an audit event naming the persons its events concern: the list
(`list`, the events shown and the filters used) and each event (`read`). Nobody can add,
change or delete an event here (nor anywhere: the log is append-only).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent
from .services import record_event

#: the permission that opens the audit log in the admin
READ_PERMISSION = "audit.read_audit_log"


def _persons(events: Iterable[AuditEvent]) -> list[str]:
    """The persons the events concern: each event's person and the persons it listed."""
    seen: dict[str, None] = {}
    for event in events:
        if event.person_id:
            seen[str(event.person_id)] = None
        for subject in event.subject_ids.split():
            seen[subject] = None
    return list(seen)


def _actor(request: HttpRequest):
    return getattr(request, "actor", None) or request.user


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "seq",
        "occurred_at",
        "actor_username",
        "organisation_code",
        "role",
        "action",
        "object_type",
        "object_id",
    ]
    list_filter = ["action", "channel"]
    search_fields = ["actor_username", "object_id", "request_id"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.has_perm(READ_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm(READ_PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            shown = list(changelist.result_list)  # the page's events (the template reuses them)
            record_event(
                actor=_actor(request),
                action=AuditEvent.Action.LIST,
                object_type="audit.AuditEvent",
                subject_ids=_persons(shown),
                fields=["audit_log"],
                detail={
                    "purpose": "admin_audit_log",
                    "events": [event.seq for event in shown],
                    "query": {k: v[:200] for k, v in request.GET.items()},
                },
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_detail(request, response, "admin_audit_event")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._record_detail(request, response, "admin_audit_event_history")
        return response

    def _record_detail(self, request, response, purpose: str) -> None:
        context = getattr(response, "context_data", None) or {}
        event = context.get("original") or context.get("object")
        if response.status_code != 200 or not isinstance(event, AuditEvent):
            return
        persons = _persons([event])
        record_event(
            actor=_actor(request),
            action=AuditEvent.Action.READ,
            object_type="audit.AuditEvent",
            object_id=str(event.seq),
            person_id=event.person_id,
            subject_ids=persons,
            fields=["audit_log"],
            detail={"purpose": purpose, "event": event.seq},
        )
