"""Admin for reference data (system administrators). Changes are logged by django-auditlog.
Plain controls only (kotopaikka.core.admin): no two-list selectors."""

from django.contrib import admin

from kotopaikka.core.admin import AccessibleAdmin

from .models import Municipality, Organisation, Region, RegionalAuthority, WellbeingCounty


@admin.register(Region, WellbeingCounty)
class NamedCodeAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "name_en"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(RegionalAuthority)
class RegionalAuthorityAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = ["kind", "code", "name_fi", "valid_from", "valid_until"]
    list_filter = ["kind"]


@admin.register(Municipality)
class MunicipalityAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = [
        "code",
        "name_fi",
        "name_sv",
        "region",
        "language_status",
        "population",
        "unemployment_share",
    ]
    list_filter = ["region", "language_status"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(Organisation)
class OrganisationAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = ["code", "kind", "name_fi", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    raw_id_fields = ["municipality", "located_in"]
