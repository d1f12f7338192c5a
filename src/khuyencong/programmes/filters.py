from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from khuyencong.core.filters import BaseFilterSet, YearFilter
from khuyencong.core.text import search_q
from khuyencong.programmes.models import DocumentKind, LegalDocument


class LegalDocumentFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DocumentKind.choices)
    year = YearFilter(label=_("Year issued"), field_name="issued_on", lookup_expr="year")

    class Meta:
        model = LegalDocument
        fields = ["q", "kind", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(search_q("search_name", value)) if value.strip() else queryset
