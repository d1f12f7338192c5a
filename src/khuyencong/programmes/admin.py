from django.contrib import admin

from khuyencong.core.admin import AdministratorOnly, AuditedAdmin
from khuyencong.programmes.models import (
    Content,
    DocumentRelation,
    Indicator,
    LegalDocument,
    Programme,
    ProgrammeContent,
    Target,
)


class RelationInline(AdministratorOnly, admin.TabularInline):
    model = DocumentRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]


@admin.register(LegalDocument)
class LegalDocumentAdmin(AuditedAdmin):
    list_display = ["number", "kind", "title", "issuer", "issued_on", "effective_from", "effective_until"]
    list_filter = ["kind", "issuer"]
    search_fields = ["number", "title", "search_name"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["province"]
    inlines = [RelationInline]


class IndicatorInline(AdministratorOnly, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "code",
        "order",
        "name",
        "name_en",
        "unit",
        "unit_en",
        "aggregation",
        "cumulative",
        "valid_from",
        "valid_until",
    ]


@admin.register(Content)
class ContentAdmin(AuditedAdmin):
    list_display = ["order", "code", "name", "legal_basis", "valid_from", "valid_until"]
    list_display_links = ["code", "name"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["legal_basis"]
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["code", "name", "content", "unit", "aggregation", "cumulative"]
    list_filter = ["content", "aggregation", "cumulative"]
    search_fields = ["code", "name", "name_en"]


class ProgrammeContentInline(AdministratorOnly, admin.TabularInline):
    model = ProgrammeContent
    extra = 0


class TargetInline(AdministratorOnly, admin.TabularInline):
    model = Target
    extra = 1
    autocomplete_fields = ["indicator"]
    fields = ["indicator", "value", "qualifier", "back_computed", "source", "note"]


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "province", "start_year", "end_year", "legal_basis"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["province", "legal_basis"]
    inlines = [ProgrammeContentInline, TargetInline]
