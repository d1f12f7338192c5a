"""Filters of the project list – shared by the page, its exports and the API."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.filters import BaseFilterSet, IdChoiceFilter, IntegerFilter
from khuyencong.core.text import search_q
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.geo.queries import REORGANISATION_2025
from khuyencong.programmes.models import Content
from khuyencong.projects.models import FundingSource, Project, ProjectKind, Status

FLAGS = [("overdue", _("past its end date")), ("running", _("approved or in progress"))]


class ProjectFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Code or name"), method="filter_q")
    plan_year = IntegerFilter(label=_("Plan year"))
    source = django_filters.ChoiceFilter(label=_("Source"), choices=FundingSource.choices)
    content = IdChoiceFilter(label=_("Content"), queryset=Content.objects.all())
    province = IdChoiceFilter(
        label=_("Province"),
        method="filter_province",
        queryset=AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("-valid_from", "name"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("all"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProjectKind.choices)
    flag = django_filters.ChoiceFilter(label=_("Attention"), choices=FLAGS, method="filter_flag")

    class Meta:
        model = Project
        fields = ["q", "plan_year", "source", "content", "province", "status", "kind", "flag"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["province"].label_from_instance = lambda u: (
            f"{u.name} (–{u.valid_until:%Y})" if u.valid_until else f"{u.name} (2025–)"
        )
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
        running = [Status.APPROVED, Status.IN_PROGRESS]
        if value == "overdue":
            return queryset.filter(status__in=running, end_date__lt=timezone.localdate())
        if value == "running":
            return queryset.filter(status__in=running)
        return queryset
