"""Admin for legal rules (system administrators): entering a value the sources left unknown.
Changes are change-logged (django-auditlog)."""

from django.contrib import admin

from kotopaikka.core.admin import AccessibleAdmin

from .models import LegalRule


@admin.register(LegalRule)
class LegalRuleAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = [
        "key",
        "name",
        "valid_from",
        "valid_until",
        "value",
        "unit",
        "confidence",
        "set_by",
    ]
    list_filter = ["confidence", "key"]
    readonly_fields = ["key", "valid_from", "unit", "set_by", "set_at"]
    search_fields = ["key", "legal_reference"]

    def save_model(self, request, obj, form, change):
        if "value" in form.changed_data and obj.value is not None:
            from django.utils import timezone

            obj.set_by, obj.set_at = request.user.get_username(), timezone.now()
            obj.confidence = LegalRule.Confidence.VERIFIED
        super().save_model(request, obj, form, change)
