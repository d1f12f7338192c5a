from django.contrib import admin

from khuyencong.core.admin import AdministratorOnly, AuditedAdmin
from khuyencong.establishments.models import (
    EligibilityRule,
    EligibilityRuleSet,
    Establishment,
    SectorDivision,
    SectorSection,
)


@admin.register(Establishment)
class EstablishmentAdmin(AuditedAdmin):
    list_display = ["name", "tax_code", "kind", "province_now", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "tax_code", "search_text"]
    raw_id_fields = ["commune"]
    readonly_fields = ["province", "province_now", "division", "merged_into", "version"]


class RuleInline(AdministratorOnly, admin.TabularInline):
    model = EligibilityRule
    extra = 0


@admin.register(EligibilityRuleSet)
class EligibilityRuleSetAdmin(AuditedAdmin):
    list_display = ["code", "name", "legal_basis", "effective_from", "effective_until"]
    inlines = [RuleInline]


admin.site.register(SectorSection, AuditedAdmin)
admin.site.register(SectorDivision, AuditedAdmin)
