from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.core.filters import BaseFilterSet, IdChoiceFilter
from khuyencong.core.text import search_q
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.orgs.models import Organisation, OrgKind


class OrganisationFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrgKind.choices)
    province = IdChoiceFilter(
        label=_("Province"),
        queryset=AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("-valid_from", "name"),
    )
    on = django_filters.DateFilter(
        label=_("Valid on"), method="valid_on", widget=forms.DateInput(attrs={"type": "date"})
    )
    name_verified = django_filters.BooleanFilter(label=_("Name verified"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "province", "on", "name_verified"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["province"].label_from_instance = lambda u: (
            f"{u.name} (–{u.valid_until:%Y})" if u.valid_until else f"{u.name} (2025–)"
        )

    def search(self, queryset, name, value):
        return queryset.filter(search_q("search_name", value)) if value.strip() else queryset

    def valid_on(self, queryset, name, value):
        return queryset.valid_on(value) if value else queryset
