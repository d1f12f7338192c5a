from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from khuyencong.core.filters import BaseFilterSet, IdChoiceFilter, YearFilter
from khuyencong.geo.forms import ProvinceFilter
from khuyencong.periodic.models import PeriodicReport, ReportForm, State
from khuyencong.periodic.periods import parse_period_key


class ReportFilterSet(BaseFilterSet):
    form = IdChoiceFilter(label=_("Report form"), queryset=ReportForm.objects.all())
    year = YearFilter(label=_("Year"), field_name="period_end__year")
    period = django_filters.CharFilter(label=pgettext_lazy("reporting period", "Period"), method="in_period")
    state = django_filters.ChoiceFilter(label=_("State"), choices=State.choices)
    province = ProvinceFilter()

    class Meta:
        model = PeriodicReport
        fields = ["form", "year", "period", "state", "province"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django import forms
        from django.utils import timezone

        from khuyencong.periodic.queries import period_choices

        choices = [("", "---------"), *period_choices(list(ReportForm.objects.all()), timezone.localdate())]
        self.form.fields["period"].widget = forms.Select(
            choices=choices, attrs={"class": "form-select form-select-sm"}
        )

    def in_period(self, queryset, name, value):
        span = parse_period_key(value)
        if span is None:
            return queryset.none() if value else queryset
        return queryset.filter(period_start=span[0], period_end=span[1])
