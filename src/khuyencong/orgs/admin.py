from django.contrib import admin

from khuyencong.core.admin import AuditedAdmin
from khuyencong.orgs.models import Organisation, OrganisationName, OrganisationSuccession


class NameInline(admin.TabularInline):
    model = OrganisationName
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "province", "valid_from", "valid_until", "name_verified"]
    list_filter = ["kind", "name_verified"]
    search_fields = ["code", "name", "short_name", "search_name"]
    autocomplete_fields = ["province", "parent"]
    inlines = [NameInline]


@admin.register(OrganisationSuccession)
class OrganisationSuccessionAdmin(AuditedAdmin):
    list_display = ["predecessor", "successor", "effective_date", "legal_basis"]
    autocomplete_fields = ["predecessor", "successor"]
