"""The pivot explorer's choices – one form for the page and the API, so a wrong value gets the same
message naming its field in both."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import DateField, style_form
from khuyencong.reporting import pivot
from khuyencong.reporting.dimensions import plan_year

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _dimension_choices(blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(name, pivot.dimension_label(name)) for name in pivot.DIMENSIONS]
    return [("", blank), *choices] if blank is not None else choices


class PivotForm(forms.Form):
    rows = forms.ChoiceField(label=_("Rows"))
    rows2 = forms.ChoiceField(label=_("Then by"), required=False)
    columns = forms.ChoiceField(label=_("Columns"), required=False)
    measures = forms.MultipleChoiceField(label=_("Measures"), widget=forms.SelectMultiple(attrs={"size": 6}))
    year_from = forms.IntegerField(
        label=_("Plan year from"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )
    year_to = forms.IntegerField(
        label=_("Plan year to"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )
    source = forms.ChoiceField(label=_("funding source"), required=False)
    content = forms.ChoiceField(label=_("content"), required=False)
    province = forms.ChoiceField(label=_("province"), required=False)
    region = forms.ChoiceField(label=_("economic region"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)
    kind = forms.ChoiceField(label=_("kind of project"), required=False)
    geography = forms.ChoiceField(label=_("Provinces counted as"), required=False)
    on = DateField(label=_("Figures as of"), widget=DATE, required=False)
    unit = forms.ChoiceField(label=_("Money shown in"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from khuyencong.geo.models import Region, RegionScheme
        from khuyencong.geo.queries import geography_date, provinces_on
        from khuyencong.programmes.models import Content
        from khuyencong.projects.models import FundingSource, ProjectKind, Status

        every = str(_("all"))
        self.fields["rows"].choices = _dimension_choices()
        self.fields["rows2"].choices = _dimension_choices("—")
        self.fields["columns"].choices = _dimension_choices(str(_("(measures only)")))
        self.fields["measures"].choices = [(m, pivot.measure_label(m)) for m in pivot.MEASURES]
        self.fields["source"].choices = [("", every), *FundingSource.choices]
        self.fields["content"].choices = [
            ("", every),
            *(
                (str(pk), name)
                for pk, name in Content.objects.order_by("order", "code").values_list("pk", "short_name")
            ),
        ]
        now = list(provinces_on(geography_date("34")).values_list("pk", "name"))
        before = list(provinces_on(geography_date("63")).values_list("pk", "name"))
        self.today_provinces = {pk for pk, _name in now}
        self.fields["province"].choices = [
            ("", every),
            (str(_("today's 34 provinces")), [(str(pk), name) for pk, name in now]),
            (str(_("the 63 provinces as they were")), [(str(pk), name) for pk, name in before]),
        ]
        self.fields["region"].choices = [
            ("", every),
            *(
                (str(pk), name)
                for pk, name in Region.objects.filter(scheme=RegionScheme.ECONOMIC).values_list("pk", "name")
            ),
        ]
        self.fields["status"].choices = [("", every), *Status.choices]
        self.fields["kind"].choices = [("", every), *ProjectKind.choices]
        self.fields["geography"].choices = list(pivot.GEOGRAPHIES.items())
        self.fields["unit"].choices = [("trieu", _("million VND")), ("ty", _("billion VND"))]
        for field in self.fields.values():  # the labels of shared vocabulary start lower-case
            text = str(field.label)
            field.label = text[:1].upper() + text[1:]
        style_form(self)

    def clean(self):
        data = super().clean()
        year_from, year_to = data.get("year_from"), data.get("year_to")
        if year_from and year_to and year_to < year_from:
            self.add_error("year_to", _("The last plan year comes before the first."))
        rows = [r for r in (data.get("rows"), data.get("rows2")) if r]
        if "rows" in data and "measures" in data and "columns" not in self.errors:
            try:
                pivot.check(rows, data.get("columns") or None, data["measures"])
            except pivot.PivotError as error:
                self.add_error(
                    error.field if error.field != "rows" or len(rows) < 2 else "rows2", error.message
                )
        return data

    # --- what the engine is asked -----------------------------------------------------------------
    def build(self, scope):
        """The cross table the valid form asks for, in ``scope`` (page and API alike); raises
        :class:`~khuyencong.reporting.pivot.PivotError` naming the field at fault."""
        data = self.cleaned_data
        return pivot.build(
            scope,
            self.row_dimensions(),
            data.get("columns") or None,
            data["measures"],
            self.filters(),
            data.get("on"),
            self.geography_code(),
        )

    def row_dimensions(self) -> list[str]:
        return [r for r in (self.cleaned_data["rows"], self.cleaned_data.get("rows2")) if r]

    def geography_code(self) -> str:
        return self.cleaned_data.get("geography") or "34"

    def filters(self) -> dict:
        data = self.cleaned_data
        filters: dict = {}
        year_from, year_to = data.get("year_from"), data.get("year_to")
        if year_from or year_to:
            first, last = year_from or year_to, year_to or year_from
            filters["period"] = plan_year(first) if first == last else _plan_years(first, last)
        if data.get("source"):
            filters["source"] = data["source"]
        if data.get("content"):
            filters["content"] = int(data["content"])
        if data.get("province"):
            unit = int(data["province"])
            filters["province_now" if unit in self.today_provinces else "province"] = unit
        if data.get("region"):
            filters["region_now" if self.geography_code() == "34" else "region"] = int(data["region"])
        if data.get("status"):
            filters["status"] = data["status"]
        if data.get("kind"):
            filters["project_kind"] = data["kind"]
        return filters


def _plan_years(first: int, last: int):
    import datetime

    from khuyencong.reporting.dimensions import PLAN, Period

    return Period(datetime.date(first, 1, 1), datetime.date(last, 12, 31), PLAN)
