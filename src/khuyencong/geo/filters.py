from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.filters import BaseFilterSet, IdChoiceFilter
from khuyencong.core.text import search_q
from khuyencong.geo.forms import ProvinceFilter
from khuyencong.geo.models import AdministrativeUnit, Kind, Level, Region


class UnitFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    on = django_filters.DateFilter(
        label=_("Valid on"), method="valid_on", widget=forms.DateInput(attrs={"type": "date"})
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=None)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    region = IdChoiceFilter(label=_("Region"), queryset=Region.objects.all(), method="in_region")
    parent = ProvinceFilter()

    class Meta:
        model = AdministrativeUnit
        fields = ["q", "on", "level", "kind", "region", "parent"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("level", Level.PROVINCE)
        if not data.get("on") and not data.get("parent"):
            data["on"] = timezone.localdate().isoformat()
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        return (
            queryset.filter(search_q("search_name", value) | Q(code=value.strip()))
            if value.strip()
            else queryset
        )

    def valid_on(self, queryset, name, value):
        return queryset.valid_on(value) if value else queryset

    def in_region(self, queryset, name, value):
        return queryset.filter(region_memberships__region=value) if value else queryset
