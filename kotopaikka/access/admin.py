"""Admin for users and their roles. Role grants are change-logged (django-auditlog)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import ApiToken, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds an API token for which device, until when; an administrator can revoke one
    (delete) but never sees the token: only its digest is stored, and not shown either."""

    list_display = ["user", "device", "created", "expiry"]
    list_filter = ["expiry"]
    search_fields = ["user__username", "device"]
    fields = ["user", "device", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # tokens are made by logging in (POST /api/v1/auth/token/), by the user

    def has_change_permission(self, request, obj=None):
        return False
