"""Admin for users and their roles. Role grants are change-logged (django-auditlog).

Plain controls only (see kotopaikka.core.admin): the role inline is stacked, so that each of its
controls has a label, and no searchable or two-list selectors are used.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from kotopaikka.core.admin import AccessibleAdmin

from .models import ApiToken, RoleAssignment, User


class RoleAssignmentInline(AccessibleAdmin, admin.StackedInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(AccessibleAdmin, DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff"]
    filter_horizontal = ()
    readonly_fields = ["last_login", "date_joined"]  # set by the system, not by hand


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]


@admin.register(ApiToken)
class ApiTokenAdmin(AccessibleAdmin, admin.ModelAdmin):
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


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    filter_horizontal = ()
