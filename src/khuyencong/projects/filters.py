"""Filters of the project list – shared by the page, its exports and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from khuyencong.core.filters import BaseFilterSet, IdChoiceFilter, YearFilter
from khuyencong.core.text import search_q
from khuyencong.geo.forms import ProvinceFilter
from khuyencong.geo.queries import REORGANISATION_2025
from khuyencong.programmes.models import Content
from khuyencong.projects.models import FundingSource, Project, ProjectKind, Status
from khuyencong.projects.queries import project_set

FLAGS = [
    ("overdue", _("past its end date")),
    ("running", _("approved or in progress")),
    ("in_appraisal", _("in appraisal")),
]


class ProjectFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Code or name"), method="filter_q")
    plan_year = YearFilter(label=_("Plan year"))
    source = django_filters.ChoiceFilter(label=_("Source"), choices=FundingSource.choices)
    content = IdChoiceFilter(label=_("Content"), queryset=Content.objects.all())
    province = ProvinceFilter(method="filter_province")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("all"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProjectKind.choices)
    flag = django_filters.ChoiceFilter(label=_("Attention"), choices=FLAGS, method="filter_flag")

    class Meta:
        model = Project
        fields = ["q", "plan_year", "source", "content", "province", "status", "kind", "flag"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["content"].label_from_instance = lambda c: c.short_name

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q("search_text", value)) if value.strip() else queryset

    def filter_province(self, queryset, name, value):
        """Today's province includes the projects filed under the provinces merged into it."""
        if value is None:
            return queryset
        if value.valid_from and value.valid_from >= REORGANISATION_2025:
            return queryset.filter(lead_province_now=value)
        return queryset.filter(lead_province=value)

    def filter_flag(self, queryset, name, value):
        return queryset.filter(project_set(value)) if value else queryset
