"""The standard reports of the programme, each declared once: its parameters (a form that checks
them) and how it builds its tables from the engine and :mod:`.derived` – nothing here adds figures
up itself. The page ``/bao-cao/<slug>/``, the command ``khuyencong report <slug>`` and the API
``/api/v1/reports/<slug>/`` all read this catalogue.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.formatting import format_date
from khuyencong.core.permissions import Scope
from khuyencong.core.text import fold
from khuyencong.documents.tables import PERCENT, TEXT, Column, DocumentHeader, Group, Table
from khuyencong.projects.forms import StyledForm
from khuyencong.reporting import derived
from khuyencong.reporting import dimensions as dims
from khuyencong.reporting.engine import aggregate, aggregate_many

MERGER = datetime.date(2025, 7, 1)  # 63 provinces until 30/06/2025, 34 from 01/07/2025
ISSUER = "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công"
PARENT = "Bộ Công Thương"
FIRST_YEAR, LAST_YEAR = 2010, 2100


# --- parameters --------------------------------------------------------------------------------------


def _this_phase() -> int:
    year = timezone.localdate().year
    return (year - 1) // 5 * 5 + 1


class YearRangeForm(StyledForm):
    """A phase or any span of plan years (at most ten)."""

    from_year = forms.IntegerField(
        label=gettext_lazy("from plan year"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    to_year = forms.IntegerField(
        label=gettext_lazy("to plan year"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )

    def clean(self):
        cleaned = super().clean() or {}
        first, last = cleaned.get("from_year"), cleaned.get("to_year")
        if first is not None and last is not None:
            if last < first:
                self.add_error("to_year", _("The last plan year comes after the first."))
            elif last - first > 9:
                self.add_error("to_year", _("A report covers at most ten plan years."))
        return cleaned


class RegionalForm(YearRangeForm):
    geography = forms.ChoiceField(
        label=gettext_lazy("Provinces"),
        required=False,
        choices=[
            ("", gettext_lazy("by the years (63 until 2025, 34 after)")),
            ("63", gettext_lazy("63 provinces as they were")),
            ("34", gettext_lazy("today's 34 provinces")),
        ],
    )


def _phase_initial() -> dict:
    first = _this_phase() - 5  # the last complete phase
    return {"from_year": first, "to_year": first + 4}


@dataclass
class Built:
    """What a report gives its page and its files: the tables, the chart and the document title."""

    tables: list[Table]
    title: str
    chart: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str | Promise
    description: str | Promise
    form: type[forms.Form]
    initial: Callable[[], dict]
    build: Callable[[Scope, dict], Built]

    def bind(self, data: dict | None) -> forms.Form:
        """The parameter form: ``data`` (the query) over the report's defaults."""
        values = {k: str(v) for k, v in self.initial().items()}
        if data:
            values.update({k: v for k, v in data.items() if k in self.form.base_fields})
        return self.form(values)

    def run(self, scope: Scope, data: dict | None) -> tuple[forms.Form, Built | None]:
        """The report for ``scope`` with the parameters ``data``; ``None`` when they are wrong (the
        form names the field)."""
        form = self.bind(data)
        if not form.is_valid():
            return form, None
        return form, self.build(scope, form.cleaned_data)

    def header(self, built: Built, on: datetime.date | None = None) -> DocumentHeader:
        return DocumentHeader(
            issuer=ISSUER,
            parent=PARENT,
            # one table: its title heads the document; several: the report's name does
            title=str(self.title) if len(built.tables) > 1 else "",
            date=on or timezone.localdate(),
            document_type=_("Report"),
        )


def _years_label(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _cutoff(today: datetime.date | None = None) -> str:
    return _("Figures from the money ledger as recorded up to %(date)s.") % {
        "date": format_date(today or timezone.localdate())
    }


def _bn(amount: int) -> float:
    """An amount in tỷ đồng for a chart (display only)."""
    return round(amount / 1e9, 3)


# --- Appendix 1: funds by content -----------------------------------------------------------------------


def appendix_1(scope: Scope, params: dict) -> Built:
    first, last = params["from_year"], params["to_year"]
    period = dims.Period(datetime.date(first, 1, 1), datetime.date(last, 12, 31), dims.PLAN)
    filters = {"period": period}
    # one reading of the ledger for the three groupings
    by_source, by_content, national = aggregate_many(
        scope,
        ["plan", "counterpart_requested"],
        [["content", "source"], ["content"], ["source"]],
        filters=filters,
    )
    source_total = {row.key: int(row.value("plan")) for row in national.rows}
    cells = {(row.keys["content"], row.keys["source"]): int(row.value("plan")) for row in by_source.rows}
    from khuyencong.programmes.models import Content

    order = dict(Content.objects.filter(pk__in=[r.key for r in by_content.rows]).values_list("pk", "order"))
    title = _("Funds of the programme by content, plan years %(years)s") % {
        "years": _years_label(first, last)
    }
    table = Table(
        title,
        unit="ty",
        sheet_name=_("Appendix 1"),
        columns=[
            Column("name", _("Content"), kind=TEXT),
            Group(
                _("National funds (KCQG)"),
                [Column("kcqg", _("Amount")), Column("kcqg_share", _("Share"), kind=PERCENT)],
            ),
            Group(
                _("Local funds (KCĐP)"),
                [Column("kcdp", _("Amount")), Column("kcdp_share", _("Share"), kind=PERCENT)],
            ),
            Column("other", _("Other sources")),
            Column("total", _("Total state funds")),
            Column("counterpart", _("Counterpart")),
        ],
        footnotes=[
            _(
                "Approved support (allocations and amendments) of the projects of the plan years;"
                " counterpart as planned in the projects."
            ),
            _cutoff(),
        ],
    )
    total = by_content.total
    for row in sorted(by_content.rows, key=lambda r: order.get(r.key, 0)):
        kcqg, kcdp = cells.get((row.key, "kcqg"), 0), cells.get((row.key, "kcdp"), 0)
        table.row(
            row.labels["content"],
            kcqg=kcqg,
            kcqg_share=derived.share_of_total(kcqg, source_total.get("kcqg", 0)),
            kcdp=kcdp,
            kcdp_share=derived.share_of_total(kcdp, source_total.get("kcdp", 0)),
            other=cells.get((row.key, "other"), 0),
            total=int(row.value("plan")),
            counterpart=int(row.value("counterpart_requested")),
        )
    table.total(
        _("Total"),
        kcqg=source_total.get("kcqg", 0),
        kcqg_share=derived.share_of_total(source_total.get("kcqg", 0), source_total.get("kcqg", 0)),
        kcdp=source_total.get("kcdp", 0),
        kcdp_share=derived.share_of_total(source_total.get("kcdp", 0), source_total.get("kcdp", 0)),
        other=source_total.get("other", 0),
        total=int(total.value("plan")),
        counterpart=int(total.value("counterpart_requested")),
    )
    rows = sorted(by_content.rows, key=lambda r: order.get(r.key, 0))
    chart = {
        "kind": "bar",
        "unit": _("billion VND"),
        "labels": [r.labels["content"] for r in rows],
        "series": [
            {"name": _("National funds (KCQG)"), "data": [_bn(cells.get((r.key, "kcqg"), 0)) for r in rows]},
            {"name": _("Local funds (KCĐP)"), "data": [_bn(cells.get((r.key, "kcdp"), 0)) for r in rows]},
        ],
    }
    return Built([table], title, chart)


# --- Appendix 2: funds by economic region and province, then by kind of organisation ----------------------


def _geography(params: dict) -> str:
    chosen = params.get("geography") or ("63" if params["to_year"] <= 2025 else "34")
    return "province" if chosen == "63" else "province_now"


def appendix_2(scope: Scope, params: dict) -> Built:
    from khuyencong.geo.models import Region

    first, last = params["from_year"], params["to_year"]
    province = _geography(params)
    region = "region" if province == "province" else "region_now"
    period = dims.Period(datetime.date(first, 1, 1), datetime.date(last, 12, 31), dims.PLAN)
    filters = {"period": period}
    # one reading of the ledger for the six groupings of the two tables
    by_source, by_province, by_region, national_by_source, kinds, kind_total = aggregate_many(
        scope,
        ["plan"],
        [
            [region, province, "source"],
            [region, province],
            [region],
            ["source"],
            ["organisation_kind", "source"],
            ["organisation_kind"],
        ],
        filters=filters,
    )
    national = by_province.total
    grand = int(national.value("plan"))
    cells = {(r.keys[province], r.keys["source"]): int(r.value("plan")) for r in by_source.rows}
    region_totals = {r.key: int(r.value("plan")) for r in by_region.rows}
    mean = derived.mean_per_province(grand, dims.province_count(province))
    values = {r.keys[province]: int(r.value("plan")) for r in by_province.rows}
    above = set(derived.above_mean(values, mean))
    names = {r.keys[province]: r.labels[province] for r in by_province.rows}
    regions = {r.pk: r for r in Region.objects.filter(pk__in=[k for k in region_totals if k is not None])}
    sources = {r.key: int(r.value("plan")) for r in national_by_source.rows}
    n = dims.province_count(province)
    title = _("Funds of the programme by economic region and province, plan years %(years)s") % {
        "years": _years_label(first, last)
    }
    geography_note = (
        _("Provinces as they were (%(n)s).") if province == "province" else _("Today's %(n)s provinces.")
    ) % {"n": n}
    table = Table(
        title,
        subtitle=geography_note,
        unit="ty",
        sheet_name=_("By province"),
        columns=[
            Column("name", _("Region / province"), kind=TEXT),
            Group(
                _("Funds"),
                [
                    Column("kcqg", _("National (KCQG)")),
                    Column("kcdp", _("Local (KCĐP)")),
                    Column("other", _("Other")),
                    Column("total", _("Total")),
                ],
            ),
            Column("share", _("Share of total"), kind=PERCENT),
            Column("above", _("Above the mean"), kind=TEXT, width=10),
        ],
        footnotes=[
            _("Mean per province: national total ÷ number of provinces of the geography: %(formula)s.")
            % {"formula": mean.formula},
            _("Provinces above the mean: %(n)s.") % {"n": len(above)},
            _cutoff(),
        ],
    )
    grouped: dict[Any, list] = {}
    for row in by_province.rows:
        grouped.setdefault(row.keys[region], []).append(row)
    ordered = sorted(
        grouped,
        key=lambda k: (
            k is None,
            regions[k].order if k in regions else 0,
            regions[k].code if k in regions else "",
        ),
    )
    for key in ordered:
        table.section(regions[key].name if key in regions else _("Without a region"))
        for row in sorted(
            grouped[key], key=lambda r: (fold(names[r.keys[province]]), names[r.keys[province]])
        ):
            unit = row.keys[province]
            table.row(
                names[unit],
                kcqg=cells.get((unit, "kcqg"), 0),
                kcdp=cells.get((unit, "kcdp"), 0),
                other=cells.get((unit, "other"), 0),
                total=values[unit],
                share=derived.share_of_total(values[unit], grand),
                above="x" if unit in above else "",
            )
        table.subtotal(_("Region total"), share=derived.share_of_total(region_totals.get(key, 0), grand))
    table.total(
        _("Total"),
        kcqg=sources.get("kcqg", 0),
        kcdp=sources.get("kcdp", 0),
        other=sources.get("other", 0),
        total=grand,
        share=derived.share_of_total(grand, grand),
    )
    by_kind = {(r.keys["organisation_kind"], r.keys["source"]): int(r.value("plan")) for r in kinds.rows}
    second = Table(
        _("Funds by kind of implementing organisation, plan years %(years)s")
        % {"years": _years_label(first, last)},
        unit="ty",
        sheet_name=_("By organisation"),
        columns=[
            Column("name", _("Kind of implementing organisation"), kind=TEXT),
            Column("kcqg", _("National (KCQG)")),
            Column("kcdp", _("Local (KCĐP)")),
            Column("other", _("Other")),
            Column("total", _("Total")),
            Column("share", _("Share of total"), kind=PERCENT),
        ],
    )
    for row in sorted(kind_total.rows, key=lambda r: fold(r.labels["organisation_kind"])):
        second.row(
            capfirst(row.labels["organisation_kind"]),
            kcqg=by_kind.get((row.key, "kcqg"), 0),
            kcdp=by_kind.get((row.key, "kcdp"), 0),
            other=by_kind.get((row.key, "other"), 0),
            total=int(row.value("plan")),
            share=derived.share_of_total(int(row.value("plan")), int(kind_total.total.value("plan"))),
        )
    second.total(
        _("Total"),
        kcqg=sources.get("kcqg", 0),
        kcdp=sources.get("kcdp", 0),
        other=sources.get("other", 0),
        share=derived.share_of_total(
            int(kind_total.total.value("plan")), int(kind_total.total.value("plan"))
        ),
    )
    region_rows = [k for k in ordered if k in regions]
    chart = {
        "kind": "bar",
        "unit": _("billion VND"),
        "labels": [regions[k].name for k in region_rows],
        "series": [{"name": _("Total"), "data": [_bn(region_totals.get(k, 0)) for k in region_rows]}],
    }
    return Built([table, second], title, chart)


def _source_totals(scope: Scope, filters: dict) -> dict:
    return {r.key: r.value("plan") for r in aggregate(scope, ["plan"], by=["source"], filters=filters).rows}


# --- the annual results of the programme: approved, amended, executed, settled, by content ----------------


class AnnualForm(StyledForm):
    year = forms.IntegerField(label=gettext_lazy("plan year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    source = forms.ChoiceField(
        label=gettext_lazy("funding source"),
        required=False,
        choices=[
            ("", gettext_lazy("all")),
            ("kcqg", gettext_lazy("national (KCQG)")),
            ("kcdp", gettext_lazy("provincial (KCĐP)")),
            ("other", gettext_lazy("other")),
        ],
    )


def _annual_initial() -> dict:
    return {"year": timezone.localdate().year - 1, "source": "kcqg"}


ANNUAL = ["allocated", "amended", "plan", "paid", "executed", "planned_projects", "executed_projects"]


def annual(scope: Scope, params: dict) -> Built:
    from khuyencong.programmes.models import Content
    from khuyencong.projects.models import FundingSource

    year, source = params["year"], params.get("source") or None
    figures = aggregate(scope, ANNUAL, by=["content"], filters={"plan_year": year, "source": source})
    order = dict(Content.objects.filter(pk__in=[r.key for r in figures.rows]).values_list("pk", "order"))
    source_name = str(dict(FundingSource.choices)[source]) if source else _("all sources")
    title = _("Results of the industrial promotion programme of %(year)s (%(source)s)") % {
        "year": year,
        "source": source_name,
    }
    table = Table(
        title,
        unit="ty",
        sheet_name=str(year),
        columns=[
            Column("name", _("Content"), kind=TEXT),
            Group(
                _("Funds"),
                [
                    Column("allocated", _("Allocated")),
                    Column("amended", _("Amended")),
                    Column("plan", _("Approved plan")),
                    Column("paid", _("Paid")),
                    Column("executed", _("Executed (settled projects)")),
                    Column("pct", _("% of plan"), kind=PERCENT),
                ],
            ),
            Group(
                _("Projects"),
                [
                    Column("projects", _("in the plan"), kind="number"),
                    Column("settled", _("settled"), kind="number"),
                ],
            ),
        ],
        footnotes=[
            _(
                "Approved plan: allocations and amendments; executed: what the settled projects were"
                " settled at; a project in the plan has approved support above 0."
            ),
            _cutoff(),
        ],
    )

    def values(row) -> dict:
        return {
            "allocated": int(row.value("allocated")),
            "amended": int(row.value("amended")),
            "plan": int(row.value("plan")),
            "paid": int(row.value("paid")),
            "executed": int(row.value("executed")),
            "pct": derived.percent_of_plan(int(row.value("executed")), int(row.value("plan"))),
            "projects": int(row.value("planned_projects")),
            "settled": int(row.value("executed_projects")),
        }

    rows = sorted(figures.rows, key=lambda r: order.get(r.key, 0))
    for row in rows:
        table.row(row.labels["content"], **values(row))
    table.total(_("Total"), **values(figures.total))  # a project counts once in the total
    chart = {
        "kind": "bar",
        "unit": _("billion VND"),
        "labels": [r.labels["content"] for r in rows],
        "series": [
            {"name": _("Approved plan"), "data": [_bn(int(r.value("plan"))) for r in rows]},
            {"name": _("Executed (settled projects)"), "data": [_bn(int(r.value("executed"))) for r in rows]},
        ],
    }
    return Built([table], title, chart)


# --- the regional conference: the first months of a year in the provinces of one conference area --------


def _conference_areas():
    from khuyencong.geo.models import Region, RegionScheme

    return Region.objects.filter(scheme=RegionScheme.CONFERENCE).order_by("order", "code")


class ConferenceForm(StyledForm):
    year = forms.IntegerField(label=gettext_lazy("plan year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    months = forms.IntegerField(
        label=gettext_lazy("first months of the year"),
        min_value=1,
        max_value=12,
        help_text=gettext_lazy("From January to the end of this month."),
    )
    area: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("conference area"), queryset=None, empty_label=None, to_field_name="code"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ModelChoiceField)
        area.queryset = _conference_areas()


def _conference_initial() -> dict:
    today = timezone.localdate()
    first = _conference_areas().first()
    return {"year": today.year, "months": max(today.month - 1, 1), "area": first.code if first else ""}


def conference(scope: Scope, params: dict) -> Built:
    year, months, area = params["year"], params["months"], params["area"]
    province = "province" if year <= 2025 else "province_now"
    region = "region" if province == "province" else "region_now"
    period = dims.first_months(year, months)
    before = period.previous_year()

    def figures(plan_year: int, span: dims.Period):
        plan = aggregate(
            scope, ["plan"], by=[province], filters={"plan_year": plan_year, region: area}, on=span.end
        )
        done = aggregate(
            scope, ["paid"], by=[province], filters={"plan_year": plan_year, region: area, "period": span}
        )
        return plan, done

    plan, done = figures(year, period)
    plan_before, done_before = figures(year - 1, before)
    tables = (plan, done, plan_before, done_before)
    names: dict = {}
    for table in tables:
        names.update({r.key: r.labels[province] for r in table.rows})
    values = [
        {r.key: int(r.value(m)) for r in t.rows}
        for t, m in zip(tables, ("plan", "paid", "plan", "paid"), strict=True)
    ]
    title = _("Industrial promotion in the first %(months)s months of %(year)s: %(area)s") % {
        "months": months,
        "year": year,
        "area": area.name,
    }
    span = _("1–%(months)s/%(year)s")
    table = Table(
        title,
        subtitle=_("Provinces as they were (%(n)s).") % {"n": dims.province_count(province)}
        if province == "province"
        else _("Today's %(n)s provinces.") % {"n": dims.province_count(province)},
        unit="ty",
        sheet_name=_("Conference"),
        columns=[
            Column("name", _("Province"), kind=TEXT),
            Group(
                str(year),
                [
                    Column("plan", _("Approved plan")),
                    Column(
                        "done", _("Executed %(span)s") % {"span": span % {"months": months, "year": year}}
                    ),
                    Column("pct", _("% of plan"), kind=PERCENT),
                ],
            ),
            Group(
                str(year - 1),
                [
                    Column("plan_before", _("Approved plan")),
                    Column(
                        "done_before",
                        _("Executed %(span)s") % {"span": span % {"months": months, "year": year - 1}},
                    ),
                ],
            ),
            Group(
                _("Change on the same period (%)"),
                [
                    Column("plan_change", _("Plan"), kind=PERCENT),
                    Column("done_change", _("Executed"), kind=PERCENT),
                ],
            ),
        ],
        footnotes=[
            _(
                "Plan: the approved support of the plan year as it stood at the end of the period;"
                " executed: advances and payments of that plan year made in the period."
            ),
            _cutoff(),
        ],
    )
    for key in sorted(names, key=lambda k: (fold(names[k]), names[k])):
        p, d, pb, db = (v.get(key, 0) for v in values)
        table.row(
            names[key],
            plan=p,
            done=d,
            pct=derived.percent_of_plan(d, p),
            plan_before=pb,
            done_before=db,
            plan_change=derived.change_on_previous(p, pb),
            done_change=derived.change_on_previous(d, db),
        )
    totals = [int(t.total.value(m)) for t, m in zip(tables, ("plan", "paid", "plan", "paid"), strict=True)]
    table.total(
        _("Whole area"),
        plan=totals[0],
        done=totals[1],
        pct=derived.percent_of_plan(totals[1], totals[0]),
        plan_before=totals[2],
        done_before=totals[3],
        plan_change=derived.change_on_previous(totals[0], totals[2]),
        done_change=derived.change_on_previous(totals[1], totals[3]),
    )
    keys = sorted(names, key=lambda k: (fold(names[k]), names[k]))
    chart = {
        "kind": "bar",
        "unit": _("billion VND"),
        "labels": [names[k] for k in keys],
        "series": [
            {"name": _("Approved plan"), "data": [_bn(values[0].get(k, 0)) for k in keys]},
            {"name": _("Executed"), "data": [_bn(values[1].get(k, 0)) for k in keys]},
        ],
    }
    return Built([table], title, chart)


# --- the quarterly national summary: by economic region --------------------------------------------------


class QuarterForm(AnnualForm):
    quarter = forms.IntegerField(label=gettext_lazy("quarter"), min_value=1, max_value=4)

    field_order = ["year", "quarter", "source"]


def _quarter_initial() -> dict:
    today = timezone.localdate()
    last = (today.month - 1) // 3  # the last complete quarter
    return {"year": today.year if last else today.year - 1, "quarter": last or 4, "source": ""}


def quarterly(scope: Scope, params: dict) -> Built:
    from khuyencong.geo.models import Region

    year, number, source = params["year"], params["quarter"], params.get("source") or None
    region = "region" if year <= 2025 else "region_now"
    quarter = dims.quarter(year, number)
    to_date = dims.first_months(year, 3 * number)
    base = {"plan_year": year, "source": source}
    plan = aggregate(scope, ["plan"], by=[region], filters=base, on=quarter.end)
    in_quarter = aggregate(scope, ["paid"], by=[region], filters={**base, "period": quarter})
    cumulative = aggregate(scope, ["paid"], by=[region], filters={**base, "period": to_date})
    keys = {r.key for t in (plan, in_quarter, cumulative) for r in t.rows}
    regions = {r.pk: r for r in Region.objects.filter(pk__in=[k for k in keys if k is not None])}
    ordered = sorted(keys, key=lambda k: (k is None, regions[k].order if k in regions else 0))
    figures = {
        "plan": {r.key: int(r.value("plan")) for r in plan.rows},
        "quarter": {r.key: int(r.value("paid")) for r in in_quarter.rows},
        "cumulative": {r.key: int(r.value("paid")) for r in cumulative.rows},
    }
    title = _("National summary of the industrial promotion plan %(year)s, quarter %(quarter)s") % {
        "year": year,
        "quarter": number,
    }
    table = Table(
        title,
        subtitle=_("Plan year %(year)s, %(source)s; by economic region.")
        % {"year": year, "source": str(_source_name(source))},
        unit="ty",
        sheet_name=_("Quarter %(quarter)s") % {"quarter": number},
        columns=[
            Column("name", _("Economic region"), kind=TEXT),
            Column("plan", _("Approved plan")),
            Group(
                _("Paid"),
                [
                    Column("quarter", _("in the quarter")),
                    Column("cumulative", _("since the start of the year")),
                ],
            ),
            Column("pct", _("% of plan"), kind=PERCENT),
        ],
        footnotes=[
            _(
                "Plan: the approved support of the plan year as it stood at the end of the quarter;"
                " paid: advances and payments of that plan year."
            ),
            _cutoff(),
        ],
    )
    for key in ordered:
        table.row(
            regions[key].name if key in regions else _("Without a region"),
            plan=figures["plan"].get(key, 0),
            quarter=figures["quarter"].get(key, 0),
            cumulative=figures["cumulative"].get(key, 0),
            pct=derived.percent_of_plan(figures["cumulative"].get(key, 0), figures["plan"].get(key, 0)),
        )
    table.total(
        _("Whole country"),
        plan=int(plan.total.value("plan")),
        quarter=int(in_quarter.total.value("paid")),
        cumulative=int(cumulative.total.value("paid")),
        pct=derived.percent_of_plan(int(cumulative.total.value("paid")), int(plan.total.value("plan"))),
    )
    named = [k for k in ordered if k in regions]
    chart = {
        "kind": "bar",
        "unit": _("billion VND"),
        "labels": [regions[k].name for k in named],
        "series": [
            {"name": _("Approved plan"), "data": [_bn(figures["plan"].get(k, 0)) for k in named]},
            {"name": _("Paid"), "data": [_bn(figures["cumulative"].get(k, 0)) for k in named]},
        ],
    }
    return Built([table], title, chart)


def _source_name(source: str | None):
    from khuyencong.projects.models import FundingSource

    return dict(FundingSource.choices)[source] if source else _("all sources")


# --- the catalogue -------------------------------------------------------------------------------------

REPORTS: dict[str, Report] = {
    r.slug: r
    for r in [
        Report(
            "phu-luc-1",
            gettext_lazy("Appendix 1 – funds by content"),
            gettext_lazy(
                "National and local funds and counterpart of a phase by programme content, with shares."
            ),
            YearRangeForm,
            _phase_initial,
            appendix_1,
        ),
        Report(
            "phu-luc-2",
            gettext_lazy("Appendix 2 – funds by region and province"),
            gettext_lazy(
                "Funds by economic region and province with regional sub-totals, shares and the mean"
                " per province; then by kind of implementing organisation."
            ),
            RegionalForm,
            _phase_initial,
            appendix_2,
        ),
        Report(
            "ket-qua-nam",
            gettext_lazy("Annual results of the programme"),
            gettext_lazy(
                "The plan of a year by content: allocated, amended, approved, paid and executed, with the"
                " number of projects in the plan and settled."
            ),
            AnnualForm,
            _annual_initial,
            annual,
        ),
        Report(
            "hoi-nghi-vung",
            gettext_lazy("Regional conference report"),
            gettext_lazy(
                "The first months of a year in the provinces of one conference area: plan, executed,"
                " percentage of the plan and change on the same period of the previous year."
            ),
            ConferenceForm,
            _conference_initial,
            conference,
        ),
        Report(
            "tong-hop-quy",
            gettext_lazy("Quarterly national summary"),
            gettext_lazy(
                "The plan of a year by economic region at the end of a quarter: the approved plan, what"
                " was paid in the quarter and since the start of the year, and the percentage of the plan."
            ),
            QuarterForm,
            _quarter_initial,
            quarterly,
        ),
    ]
}


def get(slug: str) -> Report | None:
    return REPORTS.get(slug)


def parameters(form: forms.Form) -> dict[str, Any]:
    """The checked parameters as plain values (a conference area by its code), for JSON."""
    return {
        name: getattr(value, "code", value)
        for name, value in form.cleaned_data.items()
        if value not in (None, "")
    }


def errors(form: forms.Form) -> dict[str, list[str]]:
    """The form's errors by field, as text (the API and the command print them)."""
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


__all__ = ["REPORTS", "Built", "Report", "errors", "get", "parameters"]
