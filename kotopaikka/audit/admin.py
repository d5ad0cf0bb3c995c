"""Read-only view of the audit log for system administrators."""

from django.contrib import admin

from .models import AuditEvent


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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
