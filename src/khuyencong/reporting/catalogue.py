"""The standard reports of the programme, each declared once: its parameters (a form that checks
them) and how it builds its tables from the engine and :mod:`.derived` – nothing here adds figures
up itself. The page ``/bao-cao/<slug>/``, the command ``khuyencong report <slug>`` and the API
``/api/v1/reports/<slug>/`` all read this catalogue.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from khuyencong.core.formatting import format_date, format_money, format_number, format_percent
from khuyencong.core.permissions import Scope
from khuyencong.core.text import fold, localised
from khuyencong.documents.tables import NUMBER, PERCENT, TEXT, Column, DocumentHeader, Group, Table
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
    document_title: str = ""  # the title a document of several tables carries, if not the report's


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

    def engine_filters(self, params: dict) -> dict:
        """The engine's filters that select the records this report reads with the checked
        parameters ``params`` (plan years, funding source, area): what a published snapshot asks
        the engine for the records entered after it."""
        custom = ENGINE_FILTERS.get(self.slug)
        if custom is not None:
            return custom(params)
        filters: dict[str, Any] = {}
        first, last = params.get("from_year"), params.get("to_year")
        if first and last:
            filters["period"] = dims.Period(
                datetime.date(first, 1, 1), datetime.date(last, 12, 31), dims.PLAN
            )
        elif params.get("year"):
            filters["plan_year"] = params["year"]
        if params.get("source"):
            filters["source"] = params["source"]
        return filters

    def header(self, built: Built, on: datetime.date | None = None) -> DocumentHeader:
        return DocumentHeader(
            issuer=ISSUER,
            parent=PARENT,
            # one table: its title heads the document; several: the report's name does
            title=built.document_title or (str(self.title) if len(built.tables) > 1 else ""),
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
        ["plan", "counterpart_planned"],
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
                " counterpart as planned in the projects (those not approved, withdrawn or stopped are"
                " out)."
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
            counterpart=int(row.value("counterpart_planned")),
        )
    table.total(
        _("Total"),
        kcqg=source_total.get("kcqg", 0),
        kcqg_share=derived.share_of_total(source_total.get("kcqg", 0), source_total.get("kcqg", 0)),
        kcdp=source_total.get("kcdp", 0),
        kcdp_share=derived.share_of_total(source_total.get("kcdp", 0), source_total.get("kcdp", 0)),
        other=source_total.get("other", 0),
        total=int(total.value("plan")),
        counterpart=int(total.value("counterpart_planned")),
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
    plan = aggregate(scope, ["plan", "planned_projects"], by=[region], filters=base, on=quarter.end)
    in_quarter = aggregate(scope, ["paid"], by=[region], filters={**base, "period": quarter})
    cumulative = aggregate(scope, ["paid"], by=[region], filters={**base, "period": to_date})
    keys = {r.key for t in (plan, in_quarter, cumulative) for r in t.rows}
    regions = {r.pk: r for r in Region.objects.filter(pk__in=[k for k in keys if k is not None])}
    ordered = sorted(keys, key=lambda k: (k is None, regions[k].order if k in regions else 0))
    figures = {
        "plan": {r.key: int(r.value("plan")) for r in plan.rows},
        "projects": {r.key: int(r.value("planned_projects")) for r in plan.rows},
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
            Column("projects", _("Projects in the plan"), kind="number"),
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
            _(
                "A project carried out in provinces of several regions counts in each of them, and once"
                " in the national total."
            ),
            _cutoff(),
        ],
    )
    for key in ordered:
        table.row(
            regions[key].name if key in regions else _("Without a region"),
            projects=figures["projects"].get(key, 0),
            plan=figures["plan"].get(key, 0),
            quarter=figures["quarter"].get(key, 0),
            cumulative=figures["cumulative"].get(key, 0),
            pct=derived.percent_of_plan(figures["cumulative"].get(key, 0), figures["plan"].get(key, 0)),
        )
    table.total(
        _("Whole country"),
        projects=int(plan.total.value("planned_projects")),
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


# --- the effects of support: the beneficiaries' revenue, production value and jobs before and after ------


EFFECT_GROUPS = {
    "content": ("content", gettext_lazy("by content")),
    "province": ("province", gettext_lazy("by province (as it was)")),
    "province_now": ("province_now", gettext_lazy("by province (today's 34)")),
    "year": ("plan_year", gettext_lazy("by plan year")),
}


class EffectsForm(YearRangeForm):
    group = forms.ChoiceField(
        label=gettext_lazy("group by"), choices=[(k, label) for k, (_d, label) in EFFECT_GROUPS.items()]
    )
    source = AnnualForm.base_fields["source"]


def _effects_initial() -> dict:
    year = timezone.localdate().year
    return {"from_year": year - 9, "to_year": year, "group": "content", "source": ""}


def effects(scope: Scope, params: dict) -> Built:
    from khuyencong.programmes.models import Content
    from khuyencong.reporting import measures

    first, last = params["from_year"], params["to_year"]
    dimension = EFFECT_GROUPS[params["group"]][0]
    source = params.get("source") or None
    period = dims.Period(datetime.date(first, 1, 1), datetime.date(last, 12, 31), dims.PLAN)
    figures = aggregate(scope, measures.EFFECTS, by=[dimension], filters={"period": period, "source": source})
    if dimension == "content":
        order = dict(Content.objects.filter(pk__in=[r.key for r in figures.rows]).values_list("pk", "order"))
        rows = sorted(figures.rows, key=lambda r: order.get(r.key, 0))
    elif dimension == "plan_year":
        rows = list(figures.rows)
    else:
        rows = sorted(figures.rows, key=lambda r: (fold(r.labels[dimension]), r.labels[dimension]))
    title = _("Effects of support on the beneficiaries, plan years %(years)s (%(source)s)") % {
        "years": _years_label(first, last),
        "source": str(_source_name(source)),
    }
    heading = {
        "content": _("Content"),
        "province": _("Province (as it was)"),
        "province_now": _("Province (today's 34)"),
        "plan_year": _("Plan year"),
    }[dimension]

    def group(figure: str, label: str, money: bool) -> Group:
        kind = "money" if money else "number"
        return Group(
            label,
            [
                Column(f"{figure}_reporting", _("Beneficiaries reporting"), kind="number"),
                Column(f"{figure}_before", _("Before"), kind=kind),
                Column(f"{figure}_after", _("After"), kind=kind),
                Column(f"{figure}_change", _("Increase / decrease"), kind=PERCENT),
            ],
        )

    table = Table(
        title,
        unit="ty",
        sheet_name=_("Effects"),
        columns=[
            Column("name", heading, kind=TEXT),
            group("revenue", _("Revenue"), True),
            group("production", _("Production value"), True),
            group("jobs", _("Jobs"), False),
        ],
        footnotes=[
            _(
                "Beneficiaries of the projects of the plan years that were accepted or settled, as"
                " they reported their figures for the year before and the year after the support."
            ),
            _(
                "A beneficiary counts in a figure only if it reported both the figure before and"
                " after: one that reported only one of them is left out of that figure (count,"
                " before and after alike)."
            ),
            _(
                "Change: (after − before) ÷ before. A beneficiary is placed in the province of the"
                " establishment; an establishment supported by two projects counts twice."
            ),
            _("Figures as recorded up to %(date)s.") % {"date": format_date(timezone.localdate())},
        ],
    )

    def values(row) -> dict:
        out: dict[str, Any] = {}
        for figure in measures.EFFECT_FIGURES:
            before, after = int(row.value(f"{figure}_before")), int(row.value(f"{figure}_after"))
            reporting = int(row.value(f"{figure}_reporting"))
            out[f"{figure}_reporting"] = reporting
            # nobody reported the figure: nothing to show (not a before and after of 0)
            out[f"{figure}_before"] = before if reporting else None
            out[f"{figure}_after"] = after if reporting else None
            out[f"{figure}_change"] = derived.change_on_previous(after, before)
        return out

    for row in rows:
        label = row.labels[dimension] if row.key is not None else _("Not stated")
        table.row(label, **values(row))
    table.total(_("Total"), **values(figures.total))
    chart = {
        "kind": "bar",
        "unit": _("billion VND"),
        "labels": [row.labels[dimension] for row in rows],
        "series": [
            {"name": _("Revenue before"), "data": [_bn(int(r.value("revenue_before"))) for r in rows]},
            {"name": _("Revenue after"), "data": [_bn(int(r.value("revenue_after"))) for r in rows]},
        ],
    }
    return Built([table], title, chart)


# --- repeat support: establishments supported more than once for one content within the rule's years ---


class RepeatForm(YearRangeForm):
    content: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("content"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("all"),
        to_field_name="code",
    )
    province: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("province of the establishment"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("all"),
        to_field_name="code",
    )

    def __init__(self, *args, **kwargs):
        from khuyencong.geo.queries import provinces_on
        from khuyencong.programmes.models import Content

        super().__init__(*args, **kwargs)
        content, province = self.fields["content"], self.fields["province"]
        assert isinstance(content, forms.ModelChoiceField)
        assert isinstance(province, forms.ModelChoiceField)
        content.queryset = Content.objects.order_by("order", "code")
        province.queryset = provinces_on(timezone.localdate())


def _repeat_initial() -> dict:
    year = timezone.localdate().year
    return {"from_year": year - 9, "to_year": year, "content": "", "province": ""}


def repeat_support(scope: Scope, params: dict) -> Built:
    from khuyencong.reporting.queries import repeat_support as find

    first, last = params["from_year"], params["to_year"]
    found = find(scope, first, last, content=params.get("content"), province=params.get("province"))
    title = _("Establishments supported more than once for the same content, plan years %(years)s") % {
        "years": _years_label(first, last)
    }
    table = Table(
        title,
        subtitle=_("For review: %(cases)s cases, %(establishments)s establishments, %(projects)s projects.")
        % {"cases": len(found.cases), "establishments": found.establishments, "projects": found.projects},
        unit="trieu",
        sheet_name=_("Repeat support"),
        columns=[
            Column("name", _("Establishment"), kind=TEXT),
            Column("tax_code", _("Tax code"), kind=TEXT, width=13),
            Column("establishment_province", _("Province of the establishment"), kind=TEXT),
            Column("content", _("Content"), kind=TEXT),
            Group(
                _("Supporting projects"),
                [
                    Column("project", _("Project"), kind=TEXT, width=16),
                    Column("plan_year", _("Plan year"), kind=TEXT, width=8),
                    Column("project_province", _("Province of the project"), kind=TEXT),
                    Column("approved", _("Approved support")),
                    Column("years_after", _("Years after the previous support"), kind="number", summed=False),
                ],
            ),
        ],
        footnotes=[
            _(
                "A repeat: the same establishment supported for the same content by approved projects"
                " whose plan years are at most %(years)s years apart (the rule the proposal check"
                " applies, set among the system parameters)."
            )
            % {"years": found.years},
            _(
                "An establishment merged into another counts as the record it was merged into; a"
                " project over several provinces is listed once, under its lead province."
            ),
            _("Only the projects within your scope are read and listed; the agency sees every province."),
            _cutoff(),
        ],
    )
    for number, case in enumerate(found.cases, start=1):
        establishment = case.establishment
        for index, support in enumerate(case.supports):
            project = support.project
            table.row(
                establishment.name,
                number=str(number) if index == 0 else "",
                tax_code=establishment.tax_code or "",
                establishment_province=establishment.province_now.name,
                content=case.content_name,
                project=project.code,
                plan_year=str(project.plan_year),
                project_province=project.lead_province.name,
                approved=support.approved,
                years_after=support.years_after,
            )
    counts = found.by_content()
    chart = {
        "kind": "bar",
        "unit": _("cases"),
        "labels": list(counts),
        "series": [{"name": _("Repeat cases"), "data": list(counts.values())}],
    }
    return Built([table], title, chart)


# --- the phase: results by indicator against its targets (Appendix 3), and the phase report ------------


def _service_kinds() -> list[str]:
    """The kinds of implementing organisation whose projects the phase report counts apart from the
    localities' (central units, partners): every kind but the provincial bodies and centres."""
    from khuyencong.orgs.models import PROVINCIAL_KINDS, OrgKind

    return [kind for kind in OrgKind.values if kind not in PROVINCIAL_KINDS]


def _national_programmes():
    from khuyencong.programmes.models import Programme, ProgrammeLevel

    return Programme.objects.filter(level=ProgrammeLevel.NATIONAL).order_by("-start_year", "code")


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{_years_label(obj.start_year, obj.end_year)}: {obj.name}"


class PhaseForm(StyledForm):
    """A phase of the national programme: its plan years and its targets."""

    programme: forms.ModelChoiceField = ProgrammeChoiceField(
        label=gettext_lazy("programme (phase)"), queryset=None, empty_label=None, to_field_name="code"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_ = self.fields["programme"]
        assert isinstance(field_, forms.ModelChoiceField)
        field_.queryset = _national_programmes()


def _programme_initial() -> dict:
    """The last complete phase (the one a phase report is written about), else the latest."""
    programmes = _national_programmes()
    done = programmes.filter(end_year__lt=timezone.localdate().year).first() or programmes.first()
    return {"programme": done.code if done else ""}


def _phase_filters(programme) -> dict:
    first, last = programme.start_year, programme.end_year
    return {"period": dims.Period(datetime.date(first, 1, 1), datetime.date(last, 12, 31), dims.PLAN)}


@dataclass
class Result:
    """One indicator's result over a phase, against its target (``target`` ``None``: none set)."""

    indicator: Any
    target: Any  # programmes.Target or None
    planned: Decimal
    achieved: Decimal
    by_year: dict[int, Decimal]

    @property
    def against(self) -> derived.Target | None:
        return derived.against_target(self.achieved, self.target.value) if self.target else None

    def qualifier(self) -> str:
        from khuyencong.programmes.models import TargetQualifier

        if self.target is None:
            return ""
        text = (
            "" if self.target.qualifier == TargetQualifier.EXACT else str(self.target.get_qualifier_display())
        )
        return f"{text} (*)".strip() if self.target.back_computed else text

    def target_text(self) -> str:
        """``ít nhất 1.000``; ``140.000 (*)`` for a target derived from a reported rate."""
        if self.target is None:
            return ""
        marker = " (*)" if self.target.back_computed else ""
        words = self.qualifier().replace("(*)", "").strip()
        return f"{words} {_qty(self.target.value)}{marker}".strip()


def _figure(value) -> Decimal:
    """A result as one exact figure whatever the database returned (``750``, not ``750.00``)."""
    value = Decimal(value or 0)
    return Decimal(int(value)) if value == value.to_integral_value() else value.quantize(Decimal("0.01"))


def phase_results(scope: Scope, programme) -> list[Result]:
    """Each indicator added up over the phase (the engine: the sum of a flow, a running total's last
    value), in the order of the contents, with the programme's target where it sets one. Indicators
    that are rates or averages are not added up, so not listed."""
    from khuyencong.programmes.models import Aggregation, Indicator, Target

    filters = _phase_filters(programme)
    measures = ["indicator_planned", "indicator_actual"]
    whole = aggregate(scope, measures, by=["indicator"], filters=filters, labels=False)
    yearly = aggregate(
        scope, ["indicator_actual"], by=["indicator", "plan_year"], filters=filters, labels=False
    )
    targets = {t.indicator_id: t for t in Target.objects.filter(programme=programme)}
    figures = {r.key: r for r in whole.rows}
    years: dict[int, dict[int, Decimal]] = {}
    for row in yearly.rows:
        years.setdefault(row.keys["indicator"], {})[row.keys["plan_year"]] = _figure(
            row.value("indicator_actual")
        )
    wanted = set(targets) | {
        k for k, r in figures.items() if r.value("indicator_planned") or r.value("indicator_actual")
    }
    indicators = (
        Indicator.objects.filter(pk__in=wanted, aggregation=Aggregation.SUM)
        .select_related("content")
        .order_by("content__order", "order", "code")
    )
    results = []
    for indicator in indicators:
        row = figures.get(indicator.pk)
        results.append(
            Result(
                indicator,
                targets.get(indicator.pk),
                _figure(row.value("indicator_planned")) if row else Decimal(0),
                _figure(row.value("indicator_actual")) if row else Decimal(0),
                years.get(indicator.pk, {}),
            )
        )
    return results


def _qty(value) -> str:
    """A result as the ministry writes it: whole numbers without decimals, others with two."""
    value = Decimal(value)
    return format_number(value, 0 if value == value.to_integral_value() else 2)


def appendix_3(scope: Scope, params: dict) -> Built:
    programme = params["programme"]
    first, last = programme.start_year, programme.end_year
    results = phase_results(scope, programme)
    title = _("Main results of the programme by indicator against the phase targets, %(years)s") % {
        "years": _years_label(first, last)
    }
    years = list(range(first, last + 1))
    table = Table(
        title,
        subtitle=str(programme.name),
        unit=None,
        sheet_name=_("Appendix 3"),
        columns=[
            Column("name", _("Indicator"), kind=TEXT, width=34),
            Column("unit", _("Unit"), kind=TEXT, width=9),
            Group(
                _("Target of the phase"),
                [
                    Column("qualifier", _("level of the target"), kind=TEXT, width=9),
                    Column("target", _("Quantity"), kind=NUMBER, summed=False),
                ],
            ),
            Column("planned", _("Planned in the approved projects"), kind=NUMBER, summed=False),
            Group(
                _("Achieved by plan year"),
                [Column(f"y{year}", str(year), kind=NUMBER, summed=False, width=8) for year in years],
            ),
            Column("achieved", _("Achieved in the phase"), kind=NUMBER, summed=False),
            Column("pct", _("% of target"), kind=PERCENT),
            Column("against", _("Against the target"), kind=TEXT, width=14),
        ],
        footnotes=[
            _(
                "Achieved: the approved result reports of the projects of the phase's plan years – the sum"
                " of the periods for a flow, the last value reported for a running total."
            ),
            _(
                "Targets marked (*) were not read from the decision: they are derived from a reported result"
                " and the achievement rate the ministry stated."
            ),
            _("Rates and averages are not added up and are not listed."),
            _cutoff(),
        ],
    )
    section = None
    for result in results:
        content = result.indicator.content
        if content != section:
            table.section(localised(content, "name"))
            section = content
        against = result.against
        table.row(
            localised(result.indicator, "name"),
            unit=localised(result.indicator, "unit"),
            qualifier=result.qualifier(),
            target=_figure(result.target.value) if result.target else None,
            planned=result.planned,
            achieved=result.achieved,
            pct=against.percent if against else None,
            against=against.text if against else "",
            **{f"y{year}": result.by_year.get(year, Decimal(0)) for year in years},
        )
    targeted = [r for r in results if r.against is not None and r.against.percent is not None]
    chart = {
        "kind": "bar",
        "unit": "%",
        "labels": [localised(r.indicator, "name") for r in targeted],
        "series": [{"name": _("% of target"), "data": [float(r.against.percent) for r in targeted]}],
    }
    return Built([table], title, chart)


def _ty(amount: int) -> str:
    return format_money(amount, "ty")


def _ty_bare(amount: int) -> str:
    return format_money(amount, "ty", with_unit=False)


def _pct(value) -> str:
    return format_percent(value)


def _growth_sentence(label: str, series: dict[int, int], mean) -> str:
    """``KCQG so với năm trước: 2015: +17,07%; …; tăng bình quân 9,59%/năm`` – or which years have
    no funds, when a change has no base."""
    empty = [str(year) for year, amount in series.items() if not amount]
    if mean is None:
        return _("%(label)s: no funds recorded for %(years)s; the growth is not computed.") % {
            "label": label,
            "years": ", ".join(empty) or "–",
        }
    changes = "; ".join(
        f"{year}: {'+' if change and change > 0 else ''}{_pct(change)}"
        for year, change in derived.growth(series).items()
    )
    return _("%(label)s changed on the year before: %(changes)s; mean annual growth %(mean)s.") % {
        "label": label,
        "changes": changes,
        "mean": _pct(mean),
    }


def phase_report(scope: Scope, params: dict) -> Built:
    """The phase report: every figure the ministry's phase report quotes, each computed by the
    engine and :mod:`.derived`, as sentences over tables; then Appendices 1, 2 and 3."""
    from khuyencong.geo.models import Region
    from khuyencong.programmes.models import Content

    programme = params["programme"]
    first, last = programme.start_year, programme.end_year
    years = list(range(first, last + 1))
    span = _years_label(first, last)
    filters = _phase_filters(programme)
    province = _geography({"to_year": last})
    region = "region" if province == "province" else "region_now"

    whole = aggregate(scope, ["plan", "counterpart_approved", "planned_projects"], filters=filters).total
    sources = {
        r.key: int(r.value("plan")) for r in aggregate(scope, ["plan"], by=["source"], filters=filters).rows
    }
    yearly = aggregate(scope, ["plan"], by=["plan_year", "source"], filters=filters, labels=False)
    year_totals = aggregate(scope, ["plan"], by=["plan_year"], filters=filters, labels=False)
    by_content = aggregate(scope, ["plan"], by=["content"], filters=filters)
    # the localities' funds by region and province: all funds less those carried out by the service
    # organisations (central units, partners), which the ministry reports apart
    service = {**filters, "organisation_kind": _service_kinds()}
    by_region = aggregate(scope, ["plan"], by=[region], filters=filters)
    by_province = aggregate(scope, ["plan"], by=[region, province], filters=filters)
    service_by_region = aggregate(scope, ["plan"], by=[region], filters=service, labels=False)
    service_by_province = aggregate(scope, ["plan"], by=[province], filters=service, labels=False)
    service_total = int(service_by_region.total.value("plan"))

    state = int(whole.value("plan"))
    counterpart = int(whole.value("counterpart_approved"))
    kcqg, kcdp, other = (sources.get(s, 0) for s in ("kcqg", "kcdp", "other"))
    n_years = len(years)
    series = {source: dict.fromkeys(years, 0) for source in ("kcqg", "kcdp")}
    for row in yearly.rows:
        if row.keys["source"] in series and row.keys["plan_year"] in years:
            series[row.keys["source"]][row.keys["plan_year"]] = int(row.value("plan"))
    total_series = dict.fromkeys(years, 0)
    for row in year_totals.rows:
        if row.key in total_series:
            total_series[row.key] = int(row.value("plan"))
    growth_of = {name: derived.mean_growth(s) for name, s in (*series.items(), ("total", total_series))}
    provinces = dims.province_count(province)
    mean = derived.mean_per_province(state, provinces)
    province_values = derived.excluding(
        {r.keys[province]: int(r.value("plan")) for r in by_province.rows},
        {r.key: int(r.value("plan")) for r in service_by_province.rows},
    )
    province_names = {r.keys[province]: r.labels[province] for r in by_province.rows}
    province_region = {r.keys[province]: r.keys[region] for r in by_province.rows}
    above = derived.above_mean(province_values, mean)
    leverage = derived.leverage(counterpart, state)
    planned_funds = programme.planned_state_funds
    national = scope.national_read or scope.is_admin
    # the programme's planned funds are the whole country's: a province's part is not compared with them
    kcqg_of_planned = derived.percent(kcqg, planned_funds) if planned_funds and national else None
    per_year = int(derived.ratio(state, n_years, 0) or 0)
    kcqg_per_year = int(derived.ratio(kcqg, n_years, 0) or 0)

    # --- 1. the key figures --------------------------------------------------------------------------
    lead = [
        _(
            "In the phase %(years)s the approved industrial promotion funds came to %(total)s: national"
            " funds (KCQG) %(kcqg)s, %(kcqg_share)s of the total; local funds (KCĐP) %(kcdp)s,"
            " %(kcdp_share)s of the total."
        )
        % {
            "years": span,
            "total": _ty(state),
            "kcqg": _ty(kcqg),
            "kcqg_share": _pct(derived.share_of_total(kcqg, state)),
            "kcdp": _ty(kcdp),
            "kcdp_share": _pct(derived.share_of_total(kcdp, state)),
        }
    ]
    if other:
        lead.append(
            _("Other state sources: %(other)s, %(share)s of the total.")
            % {"other": _ty(other), "share": _pct(derived.share_of_total(other, state))}
        )
    if kcqg_of_planned is not None:
        lead.append(
            _("The national funds reached %(pct)s of the %(planned)s the programme planned.")
            % {"pct": _pct(kcqg_of_planned), "planned": _ty(planned_funds)}
        )
    lead.append(
        _(
            "State funds averaged %(per_year)s a year, of which national funds %(kcqg_per_year)s a year;"
            " %(projects)s projects were in the plans of the phase."
        )
        % {
            "per_year": _ty(per_year),
            "kcqg_per_year": _ty(kcqg_per_year),
            "projects": format_number(int(whole.value("planned_projects"))),
        }
    )
    lead.append(
        _(
            "The establishments and organisations taking part planned %(counterpart)s of counterpart"
            " funds: each đồng of state funds drew %(leverage)s đồng."
        )
        % {
            "counterpart": _ty(counterpart),
            "leverage": format_number(leverage, 2) if leverage is not None else "–",
        }
    )
    key = Table(
        _("Key figures of the phase %(years)s") % {"years": span},
        unit="ty",
        sheet_name=_("Key figures"),
        lead=lead,
        columns=[
            Column("name", _("Figure"), kind=TEXT),
            Column("amount", _("Amount"), summed=False),
            Column("percent", _("Percentage"), kind=PERCENT),
            Column("ratio", _("Ratio"), kind=NUMBER, decimals=2, summed=False),
            Column("count", _("Quantity"), kind=NUMBER, summed=False),
            Column("basis", _("How it is computed"), kind=TEXT, width=40),
        ],
        footnotes=[
            *(
                []
                if national
                else [_("Figures of the projects you may see (your province's), not the whole country's.")]
            ),
            _cutoff(),
        ],
    )
    key.row(_("State funds approved"), amount=state, basis=_("allocations and amendments of the plan years"))
    key.row(
        _("National funds (KCQG)"),
        amount=kcqg,
        percent=derived.share_of_total(kcqg, state),
        basis=_("share of the state funds"),
    )
    if kcqg_of_planned is not None:
        key.row(
            _("National funds against the programme's planned funds"),
            percent=kcqg_of_planned,
            basis=f"{_ty_bare(kcqg)} ÷ {_ty_bare(planned_funds)}",
        )
    key.row(
        _("Local funds (KCĐP)"),
        amount=kcdp,
        percent=derived.share_of_total(kcdp, state),
        basis=_("share of the state funds"),
    )
    if other:
        key.row(
            _("Other state sources"),
            amount=other,
            percent=derived.share_of_total(other, state),
            basis=_("share of the state funds"),
        )
    key.row(
        _("State funds a year on average"),
        amount=per_year,
        basis=_("state funds ÷ %(n)s years") % {"n": n_years},
    )
    key.row(
        _("National funds a year on average"),
        amount=kcqg_per_year,
        basis=_("national funds ÷ %(n)s years") % {"n": n_years},
    )
    key.row(_("Counterpart of the approved projects"), amount=counterpart)
    key.row(_("Counterpart per đồng of state funds"), ratio=leverage, basis=_("counterpart ÷ state funds"))
    key.row(
        _("Projects in the plans"),
        count=int(whole.value("planned_projects")),
        basis=_("approved support above 0"),
    )
    key.row(_("Mean per province"), amount=int(mean.value), basis=mean.formula)
    key.row(
        _("Provinces above the mean"),
        count=len(above),
        basis=f"{len(above)}/{provinces}",
    )
    for name, label in (
        ("kcqg", _("Mean annual growth of the national funds")),
        ("kcdp", _("Mean annual growth of the local funds")),
        ("total", _("Mean annual growth of the state funds")),
    ):
        key.row(
            label,
            percent=growth_of[name],
            basis=_("mean of the yearly changes")
            if growth_of[name] is not None
            else _("not computed: a year of the phase has no funds"),
        )

    # --- 2. by year ----------------------------------------------------------------------------------
    growth = {name: derived.growth(s) for name, s in (*series.items(), ("total", total_series))}
    by_year = Table(
        _("State funds by plan year, %(years)s") % {"years": span},
        unit="ty",
        sheet_name=_("By year"),
        lead=[
            _growth_sentence(label, values, growth_of[name])
            for name, label, values in (
                ("kcqg", _("National funds"), series["kcqg"]),
                ("kcdp", _("Local funds"), series["kcdp"]),
                ("total", _("State funds together"), total_series),
            )
        ],
        columns=[
            Column("name", _("Plan year"), kind=TEXT),
            Group(
                _("National funds (KCQG)"),
                [
                    Column("kcqg", _("Amount")),
                    Column("kcqg_growth", _("Change on the year before"), kind=PERCENT),
                ],
            ),
            Group(
                _("Local funds (KCĐP)"),
                [
                    Column("kcdp", _("Amount")),
                    Column("kcdp_growth", _("Change on the year before"), kind=PERCENT),
                ],
            ),
            Group(
                _("Total state funds"),
                [
                    Column("total", _("Amount")),
                    Column("total_growth", _("Change on the year before"), kind=PERCENT),
                ],
            ),
        ],
        footnotes=[
            _(
                "Total state funds include other state sources. The total row's changes are the mean"
                " annual growth (the mean of the yearly changes)."
            ),
        ],
    )
    for year in years:
        by_year.row(
            str(year),
            kcqg=series["kcqg"][year],
            kcqg_growth=growth["kcqg"].get(year),
            kcdp=series["kcdp"][year],
            kcdp_growth=growth["kcdp"].get(year),
            total=total_series[year],
            total_growth=growth["total"].get(year),
        )
    by_year.total(
        _("Whole phase"),
        kcqg=kcqg,
        kcdp=kcdp,
        total=state,
        kcqg_growth=growth_of["kcqg"],
        kcdp_growth=growth_of["kcdp"],
        total_growth=growth_of["total"],
    )

    # --- 3. by content -------------------------------------------------------------------------------
    order = dict(Content.objects.filter(pk__in=[r.key for r in by_content.rows]).values_list("pk", "order"))
    contents = sorted(by_content.rows, key=lambda r: order.get(r.key, 0))
    largest = max(contents, key=lambda r: int(r.value("plan")), default=None)
    by_content_table = Table(
        _("State funds by content, %(years)s") % {"years": span},
        unit="ty",
        sheet_name=_("By content"),
        lead=[
            _("The largest content was %(content)s with %(amount)s, %(share)s of the state funds.")
            % {
                "content": largest.labels["content"],
                "amount": _ty(int(largest.value("plan"))),
                "share": _pct(derived.share_of_total(int(largest.value("plan")), state)),
            }
        ]
        if largest is not None
        else [],
        columns=[
            Column("name", _("Content"), kind=TEXT),
            Column("amount", _("Amount")),
            Column("share", _("Share of total"), kind=PERCENT),
        ],
    )
    for row in contents:
        by_content_table.row(
            row.labels["content"],
            amount=int(row.value("plan")),
            share=derived.share_of_total(int(row.value("plan")), state),
        )
    by_content_table.total(_("Total"), amount=state, share=derived.share_of_total(state, state))

    # --- 4. by economic region: totals, shares, means per province -------------------------------------
    counts = dims.region_province_counts(province)
    regions = {
        r.pk: r for r in Region.objects.filter(pk__in=[r.key for r in by_region.rows if r.key is not None])
    }
    in_region = {r.key: int(r.value("plan")) for r in by_region.rows}  # every implementer (Appendix 2)
    local = derived.excluding(in_region, {r.key: int(r.value("plan")) for r in service_by_region.rows})
    region_keys = sorted(in_region, key=lambda k: (k is None, regions[k].order if k in regions else 0))
    means = {
        k: derived.mean_per_province(local.get(k, 0), counts[k])
        for k in region_keys
        if k in regions and counts.get(k)
    }
    region_lead = [
        _("The mean per province over the phase was %(mean)s (%(formula)s).")
        % {"mean": _ty(int(mean.value)), "formula": mean.formula}
    ]
    if means:
        high = max(means, key=lambda k: means[k].value)
        low = min(means, key=lambda k: means[k].value)
        region_lead.append(
            _(
                "The highest mean per province was that of the %(high)s, %(high_mean)s a province; the"
                " lowest that of the %(low)s, %(low_mean)s a province."
            )
            % {
                "high": regions[high].name,
                "high_mean": _ty(int(means[high].value)),
                "low": regions[low].name,
                "low_mean": _ty(int(means[low].value)),
            }
        )
    region_table = Table(
        _("State funds by economic region, %(years)s") % {"years": span},
        subtitle=(
            _("Provinces as they were (%(n)s).") if province == "province" else _("Today's %(n)s provinces.")
        )
        % {"n": provinces},
        unit="ty",
        sheet_name=_("By region"),
        lead=region_lead,
        columns=[
            Column("name", _("Economic region"), kind=TEXT),
            Column("provinces", _("Provinces"), kind=NUMBER),
            Group(
                _("Carried out by the localities"),
                [
                    Column("amount", _("Amount")),
                    Column("share", _("Share of total"), kind=PERCENT),
                    Column("mean", _("Mean per province"), summed=False),
                ],
            ),
            Column("all", _("Every implementer in the region (as in Appendix 2)")),
        ],
        footnotes=[
            _(
                "Regions: the funds of the projects their localities carried out (provincial bodies and"
                " centres, establishments); the service organisations' projects are counted apart."
            ),
            _(
                "The last column adds the service organisations' projects carried out in the region's"
                " provinces: the regional totals of Appendix 2."
            ),
            _(
                "Mean per province: the region's funds ÷ its provinces; whole country: national total ÷"
                " number of provinces of the geography."
            ),
        ],
    )
    for region_key in region_keys:
        region_table.row(
            regions[region_key].name if region_key in regions else _("Without a region"),
            provinces=counts.get(region_key, 0) if region_key in regions else None,
            amount=local.get(region_key, 0),
            share=derived.share_of_total(local.get(region_key, 0), state),
            mean=int(means[region_key].value) if region_key in means else None,
            all=in_region[region_key],
        )
    if service_total:
        region_table.row(
            _("Service organisations (central units, partners)"),
            amount=service_total,
            share=derived.share_of_total(service_total, state),
        )
    region_table.total(
        _("Whole country"),
        provinces=provinces,
        amount=state,
        share=derived.share_of_total(state, state),
        mean=int(mean.value),
        all=state,
    )

    # --- 5. the provinces above the mean -------------------------------------------------------------
    lowest = min(province_values, key=lambda k: province_values[k], default=None)
    above_lead = [
        _("%(n)s of the %(total)s provinces had more funds than the mean per province (%(mean)s): %(list)s.")
        % {
            "n": len(above),
            "total": provinces,
            "mean": _ty(int(mean.value)),
            "list": ", ".join(f"{province_names[k]} {_ty(province_values[k])}" for k in above) or "–",
        }
    ]
    if lowest is not None:
        above_lead.append(
            _("The province with the least funds: %(name)s (%(amount)s).")
            % {"name": province_names[lowest], "amount": _ty(province_values[lowest])}
        )
    above_table = Table(
        _("Provinces above the mean per province, %(years)s") % {"years": span},
        unit="ty",
        sheet_name=_("Above the mean"),
        lead=above_lead,
        columns=[
            Column("name", _("Province"), kind=TEXT),
            Column("region", _("Economic region"), kind=TEXT),
            Column("amount", _("Amount")),
            Column("share", _("Share of total"), kind=PERCENT),
            Column("over", _("Above the mean by"), summed=False),
        ],
        footnotes=[_("Mean per province: %(formula)s.") % {"formula": mean.formula}],
    )
    region_names = {k: r.name for k, r in regions.items()}
    for unit in above:
        above_table.row(
            province_names[unit],
            region=region_names.get(province_region.get(unit), ""),
            amount=province_values[unit],
            share=derived.share_of_total(province_values[unit], state),
            over=province_values[unit] - int(mean.value),
        )
    above_table.total(_("Total"), share=derived.share_of_total(sum(province_values[u] for u in above), state))

    # --- 6. the results against the targets ------------------------------------------------------------
    results = [r for r in phase_results(scope, programme) if r.target is not None]
    result_lead = [
        _("%(indicator)s: %(achieved)s %(unit)s, target %(target)s (%(against)s).")
        % {
            "indicator": localised(r.indicator, "name"),
            "achieved": _qty(r.achieved),
            "unit": localised(r.indicator, "unit"),
            "target": r.target_text(),
            "against": r.against.text if r.against else "–",
        }
        for r in results
    ]
    result_table = Table(
        _("Main results against the targets of the phase, %(years)s") % {"years": span},
        unit=None,
        sheet_name=_("Results"),
        lead=result_lead,
        columns=[
            Column("name", _("Indicator"), kind=TEXT),
            Column("unit", _("Unit"), kind=TEXT, width=10),
            Column("target", _("Target of the phase"), kind=TEXT, width=14),
            Column("achieved", _("Achieved in the phase"), kind=NUMBER, summed=False),
            Column("pct", _("% of target"), kind=PERCENT),
            Column("against", _("Against the target"), kind=TEXT, width=14),
        ],
        footnotes=[_("Every indicator, with its results by plan year, is in Appendix 3.")],
    )
    for r in results:
        result_table.row(
            localised(r.indicator, "name"),
            unit=localised(r.indicator, "unit"),
            target=r.target_text(),
            achieved=r.achieved,
            pct=r.against.percent if r.against else None,
            against=r.against.text if r.against else "",
        )

    # --- the appendices, built by their own reports -------------------------------------------------
    span_params = {"from_year": first, "to_year": last, "geography": ""}
    appendices = []
    for number, built in (
        (1, appendix_1(scope, span_params)),
        (2, appendix_2(scope, span_params)),
        (3, appendix_3(scope, {"programme": programme})),
    ):
        for table in built.tables:
            table.title = _("Appendix %(n)s: %(title)s") % {"n": number, "title": table.title}
            appendices.append(table)

    title = _("Report on the results of %(programme)s, %(years)s") % {
        "programme": programme.name,
        "years": span,
    }
    chart = {
        "kind": "bar",
        "unit": _("billion VND"),
        "labels": [str(y) for y in years],
        "series": [
            {"name": _("National funds (KCQG)"), "data": [_bn(series["kcqg"][y]) for y in years]},
            {"name": _("Local funds (KCĐP)"), "data": [_bn(series["kcdp"][y]) for y in years]},
        ],
    }
    return Built(
        [key, by_year, by_content_table, region_table, above_table, result_table, *appendices],
        title,
        chart,
        document_title=title,
    )


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
        Report(
            "hieu-qua-ho-tro",
            gettext_lazy("Effects of support"),
            gettext_lazy(
                "The beneficiaries' revenue, production value and jobs before and after the support, by"
                " content, province or plan year, with how many beneficiaries reported them."
            ),
            EffectsForm,
            _effects_initial,
            effects,
        ),
        Report(
            "ho-tro-lap-lai",
            gettext_lazy("Repeat support"),
            gettext_lazy(
                "Establishments supported more than once for the same content within the years the rules"
                " set, across provinces and years, with the projects that supported them – for review."
            ),
            RepeatForm,
            _repeat_initial,
            repeat_support,
        ),
        Report(
            "phu-luc-3",
            gettext_lazy("Appendix 3 – results against the phase targets"),
            gettext_lazy(
                "The main results of a phase by indicator, year by year, against the targets of the"
                " programme: percentage of the target or how far beyond it."
            ),
            PhaseForm,
            _programme_initial,
            appendix_3,
        ),
        Report(
            "bao-cao-giai-doan",
            gettext_lazy("Phase report"),
            gettext_lazy(
                "Every figure of the phase report computed from the records: funds by source and year with"
                " their growth, counterpart and leverage, shares by content and region, means per province,"
                " the provinces above the mean, results against the targets; with Appendices 1, 2 and 3."
            ),
            PhaseForm,
            _programme_initial,
            phase_report,
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


# --- the engine filters of the reports whose parameters are more than plan years and a source ----------


def _conference_filters(params: dict) -> dict:
    year = params["year"]
    region = "region" if year <= 2025 else "region_now"
    return {"plan_year": [year - 1, year], region: params["area"]}


def _programme_filters(params: dict) -> dict:
    return _phase_filters(params["programme"])


ENGINE_FILTERS: dict[str, Callable[[dict], dict]] = {
    "hoi-nghi-vung": _conference_filters,
    "phu-luc-3": _programme_filters,
    "bao-cao-giai-doan": _programme_filters,
}


# --- Appendices 4 and 5: the provinces' approved periodic reports ------------------------------------


class PeriodicYearForm(StyledForm):
    """A year of the provinces' approved periodic reports, in either geography."""

    year = forms.IntegerField(label=gettext_lazy("year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    geography = forms.ChoiceField(
        label=gettext_lazy("Provinces"),
        required=False,
        choices=[
            ("", gettext_lazy("by the year (63 until 2024, 34 from 2025)")),
            ("63", gettext_lazy("63 provinces as they were")),
            ("34", gettext_lazy("today's 34 provinces")),
        ],
    )


def _periodic_year_initial() -> dict:
    return {"year": timezone.localdate().year - 1, "geography": ""}


def _periodic_geography(params: dict) -> tuple[str, str]:
    """The province and region dimensions of the chosen geography (by default the one the
    provinces reported in at the end of the year)."""
    chosen = params.get("geography") or ("63" if params["year"] <= 2024 else "34")
    return ("province", "region") if chosen == "63" else ("province_now", "region_now")


def _periodic_rows(scope: Scope, measures: list[str], params: dict):
    """The engine's figures of the year by province, by region and nationally, and the regions in
    their order: what Appendices 4 and 5 lay out."""
    from khuyencong.geo.models import Region

    province, region = _periodic_geography(params)
    filters = {"period": dims.year(params["year"])}
    by_province = aggregate(scope, measures, by=[region, province], filters=filters)
    by_region = aggregate(scope, measures, by=[region], filters=filters)
    grouped: dict[Any, list] = {}
    for row in by_province.rows:
        grouped.setdefault(row.keys[region], []).append(row)
    regions = {r.pk: r for r in Region.objects.filter(pk__in=[k for k in grouped if k is not None])}
    ordered = sorted(
        grouped,
        key=lambda k: (
            k is None,
            regions[k].order if k in regions else 0,
            regions[k].code if k in regions else "",
        ),
    )
    for key in grouped:
        grouped[key].sort(key=lambda r: (fold(r.labels[province]), r.labels[province]))
    return province, region, ordered, regions, grouped, {r.key: r for r in by_region.rows}, by_region.total


def _geography_note(province: str) -> str:
    n = dims.province_count(province)
    return (
        _("Provinces as they were (%(n)s).") if province == "province" else _("Today's %(n)s provinces.")
    ) % {"n": n}


def _approved_note() -> str:
    return _(
        "From the provinces' approved periodic reports: for each province the figures of its latest"
        " approved report of the year; consulting contracts and revenue summed over the year."
    )


CENTRE = [
    "centre_staff",
    "centre_staff_permanent",
    "centre_staff_contract",
    "centre_staff_postgraduate",
    "centre_staff_university",
    "centre_staff_vocational",
    "collaborator_districts",
    "collaborator_communes",
    "collaborators",
    "centre_offices",
    "centre_vehicles",
    "centre_equipment",
    "consulting_contracts",
    "consulting_revenue",
]
BANDS = ["centres_over_30", "centres_20_30", "centres_10_19", "centres_under_10"]


def _figures(row, measures: list[str]) -> dict[str, Any]:
    return {m: row.value(m) for m in measures}


def appendix_4(scope: Scope, params: dict) -> Built:
    year = params["year"]
    province, _region, ordered, regions, grouped, region_rows, total = _periodic_rows(
        scope, [*CENTRE, "centres_reporting", *BANDS], params
    )
    title = _("Staff, collaborators and facilities of the industrial extension centres, %(year)s") % {
        "year": year
    }
    table = Table(
        title,
        subtitle=_geography_note(province),
        unit=None,
        sheet_name=_("Appendix 4"),
        columns=[
            Column("name", _("Region / province"), kind=TEXT),
            Group(
                _("Staff (people)"),
                [
                    Column("centre_staff", _("Total"), kind=NUMBER),
                    Column("centre_staff_permanent", _("Permanent"), kind=NUMBER),
                    Column("centre_staff_contract", _("Contract"), kind=NUMBER),
                    Column("centre_staff_postgraduate", _("Postgraduate"), kind=NUMBER),
                    Column("centre_staff_university", _("University, college"), kind=NUMBER),
                    Column("centre_staff_vocational", _("Vocational"), kind=NUMBER),
                ],
            ),
            Group(
                _("Collaborators"),
                [
                    Column("collaborator_districts", _("Districts"), kind=NUMBER),
                    Column("collaborator_communes", _("Communes"), kind=NUMBER),
                    Column("collaborators", _("People"), kind=NUMBER),
                ],
            ),
            Group(
                _("Facilities"),
                [
                    Column("centre_offices", _("Offices"), kind=NUMBER),
                    Column("centre_vehicles", _("Vehicles"), kind=NUMBER),
                    Column("centre_equipment", _("Equipment sets"), kind=NUMBER),
                ],
            ),
            Group(
                _("Consulting"),
                [
                    Column("consulting_contracts", _("Contracts"), kind=NUMBER),
                    Column("consulting_revenue", _("Revenue"), unit="trieu"),
                ],
            ),
        ],
        footnotes=[_approved_note()],
    )
    for key in ordered:
        table.section(regions[key].name if key in regions else _("Without a region"))
        for row in grouped[key]:
            table.row(row.labels[province], **_figures(row, CENTRE))
        # a region's figures are the engine's (a former province gives way to its successor)
        table.subtotal(_("Region total"), **_figures(region_rows[key], CENTRE))
    table.total(_("Total"), **_figures(total, CENTRE))
    bands = Table(
        _("Industrial extension centres by number of staff, %(year)s") % {"year": year},
        subtitle=_geography_note(province),
        unit=None,
        sheet_name=_("By size"),
        columns=[
            Column("name", _("Region"), kind=TEXT),
            Column("centres_reporting", _("Centres reporting"), kind=NUMBER),
            Group(
                _("Centres by number of staff"),
                [
                    Column("centres_over_30", _("Over 30"), kind=NUMBER),
                    Column("centres_20_30", _("20–30"), kind=NUMBER),
                    Column("centres_10_19", _("10–19"), kind=NUMBER),
                    Column("centres_under_10", _("Under 10"), kind=NUMBER),
                ],
            ),
        ],
    )
    for key in ordered:
        bands.row(
            regions[key].name if key in regions else _("Without a region"),
            **_figures(region_rows[key], ["centres_reporting", *BANDS]),
        )
    bands.total(_("Total"), **_figures(total, ["centres_reporting", *BANDS]))
    labels = [regions[k].name for k in ordered if k in regions]
    chart = {
        "kind": "bar",
        "unit": _("people"),
        "labels": labels,
        "series": [
            {
                "name": _("Staff (people)"),
                "data": [int(region_rows[k].value("centre_staff")) for k in ordered if k in regions],
            },
            {
                "name": _("Collaborators"),
                "data": [int(region_rows[k].value("collaborators")) for k in ordered if k in regions],
            },
        ],
    }
    return Built([table, bands], title, chart)


LEGAL = ["programme_approved", "programme_document", "funds_regulation", "regulation_document"]


def appendix_5(scope: Scope, params: dict) -> Built:
    year = params["year"]
    province, _region, ordered, regions, grouped, region_rows, total = _periodic_rows(
        scope, [*LEGAL, "centres_reporting"], params
    )
    title = _("Provincial legal documents on industrial promotion, %(year)s") % {"year": year}
    table = Table(
        title,
        subtitle=_geography_note(province),
        unit=None,
        sheet_name=_("Appendix 5"),
        columns=[
            Column("name", _("Region / province"), kind=TEXT),
            Group(
                _("Provincial industrial promotion programme"),
                [
                    Column("programme_approved", pgettext("legal document", "Approved"), kind=NUMBER),
                    Column("programme_document", _("Document"), kind=TEXT, width=22),
                ],
            ),
            Group(
                _("Regulation on managing local funds"),
                [
                    Column("funds_regulation", pgettext("legal document", "Issued"), kind=NUMBER),
                    Column("regulation_document", _("Document"), kind=TEXT, width=22),
                ],
            ),
        ],
        footnotes=[
            _(
                "From the provinces' approved periodic reports: the answers of each province's latest"
                " approved report of the year (1: yes, 0: no); the totals count the provinces."
            ),
            _("Provinces reporting: %(n)s.") % {"n": int(total.value("centres_reporting"))},
        ],
    )
    counts = ["programme_approved", "funds_regulation"]
    for key in ordered:
        table.section(regions[key].name if key in regions else _("Without a region"))
        for row in grouped[key]:
            table.row(row.labels[province], **_figures(row, LEGAL))
        table.subtotal(_("Region total"), **_figures(region_rows[key], counts))
    table.total(_("Total"), **_figures(total, counts))
    return Built([table], title)


REPORTS.update(
    {
        r.slug: r
        for r in [
            Report(
                "phu-luc-4",
                gettext_lazy("Appendix 4 – industrial extension centres"),
                gettext_lazy(
                    "Staff, collaborators, facilities and consulting of the provinces' industrial extension"
                    " centres by region and province, from the approved periodic reports; the centres by"
                    " number of staff."
                ),
                PeriodicYearForm,
                _periodic_year_initial,
                appendix_4,
            ),
            Report(
                "phu-luc-5",
                gettext_lazy("Appendix 5 – provincial legal documents"),
                gettext_lazy(
                    "Whether each province has approved its industrial promotion programme and issued its"
                    " regulation on local funds, with the documents' numbers, from the approved periodic"
                    " reports; counted by region and nationally."
                ),
                PeriodicYearForm,
                _periodic_year_initial,
                appendix_5,
            ),
        ]
    }
)
