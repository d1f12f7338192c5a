from django.contrib import admin

from khuyencong.core.admin import AdministratorOnly, AuditedAdmin, ReadOnlyAdmin
from khuyencong.establishments.models import (
    EligibilityRule,
    EligibilityRuleSet,
    Establishment,
    SectorDivision,
    SectorSection,
)


@admin.register(Establishment)
class EstablishmentAdmin(ReadOnlyAdmin):
    """Read-only: establishments are registered, changed and merged through their services (the
    pages and the API), which check the scope, the tax code and the version."""

    list_display = ["name", "tax_code", "kind", "province_now", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "tax_code", "search_text"]


class RuleInline(AdministratorOnly, admin.TabularInline):
    model = EligibilityRule
    extra = 0


@admin.register(EligibilityRuleSet)
class EligibilityRuleSetAdmin(AuditedAdmin):
    list_display = ["code", "name", "legal_basis", "effective_from", "effective_until"]
    inlines = [RuleInline]


admin.site.register(SectorSection, AuditedAdmin)
admin.site.register(SectorDivision, AuditedAdmin)
