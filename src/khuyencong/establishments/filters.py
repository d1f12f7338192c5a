"""Filters of the establishment list – the same for the page, the exports and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.core.filters import BaseFilterSet, IdChoiceFilter, IdFilter
from khuyencong.establishments.models import EstablishmentKind, SectorDivision, SectorSection, Status
from khuyencong.establishments.queries import LIVE, search
from khuyencong.geo.forms import ProvinceFilter
from khuyencong.geo.queries import REORGANISATION_2025


class EstablishmentFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name or tax code"), method="filter_q")
    province = ProvinceFilter(method="filter_province")
    commune = IdFilter(label=_("Commune (id)"), field_name="commune", widget=forms.HiddenInput)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EstablishmentKind.choices)
    section = IdChoiceFilter(
        label=_("Sector (section)"),
        queryset=SectorSection.objects.all(),
        method="filter_section",
        row_fields=("code", "name"),
        row_label=lambda s: f"{s.code} – {s.name}",
    )
    division = IdChoiceFilter(
        label=_("Sector (division)"),
        queryset=SectorDivision.objects.all(),
        row_fields=("code", "name"),
        row_label=lambda d: f"{d.code} – {d.name[:60]}",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, method="filter_status")
    in_craft_village = django_filters.BooleanFilter(label=_("In a craft village"))
    is_handicraft = django_filters.BooleanFilter(label=_("Handicraft"))
    women_owned = django_filters.BooleanFilter(label=_("Women-owned"))
    ethnic_minority_owned = django_filters.BooleanFilter(label=_("Ethnic-minority-owned"))

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    def filter_province(self, queryset, name, value):
        """A 2025 province includes the records of the provinces merged into it; an old province
        gives the records registered under it."""
        if value is None:
            return queryset
        if value.valid_from and value.valid_from >= REORGANISATION_2025:
            return queryset.filter(province_now=value)
        return queryset.filter(province=value)

    def filter_section(self, queryset, name, value):
        return queryset.filter(section=value.code) if value else queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value) if value else queryset

    @property
    def qs(self):
        queryset = super().qs
        if not (self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("status")):
            queryset = queryset.filter(LIVE)  # merged records only when asked for
        return queryset
