"""Admin for users and their roles. Role grants are change-logged (django-auditlog)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import RoleAssignment, User


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
