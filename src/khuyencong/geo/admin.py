from django.contrib import admin

from khuyencong.core.admin import AuditedAdmin
from khuyencong.geo.models import AdministrativeUnit, Region, RegionMembership, Succession


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(AuditedAdmin):
    list_display = ["code", "full_name", "level", "kind", "parent", "valid_from", "valid_until"]
    list_filter = ["level", "kind", "valid_from", "valid_until"]
    search_fields = ["code", "name", "full_name", "search_name"]
    autocomplete_fields = ["parent"]


class MembershipInline(admin.TabularInline):
    model = RegionMembership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "scheme", "order"]
    list_filter = ["scheme"]
    inlines = [MembershipInline]


@admin.register(Succession)
class SuccessionAdmin(AuditedAdmin):
    list_display = ["predecessor", "successor", "effective_date", "kind", "share_percent", "legal_basis"]
    list_filter = ["kind", "effective_date"]
    autocomplete_fields = ["predecessor", "successor"]
