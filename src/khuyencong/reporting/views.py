"""The report pages: the agency's consolidation of a plan year, and the plan as it stood on a date
with its execution cut at the same date."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.formatting import format_money
from khuyencong.core.generic import workspace_required
from khuyencong.core.permissions import get_scope
from khuyencong.documents.responses import download
from khuyencong.documents.tables import NUMBER, TEXT, Column, Table
from khuyencong.projects.forms import PlanForm
from khuyencong.reporting import measures
from khuyencong.reporting.reports import COLUMNS, consolidation, plan_and_execution, plan_versions


def column_labels() -> dict[str, str]:
    return {name: str(measures.get(name).label) for name in COLUMNS}


def _plan_params(request) -> tuple[PlanForm, int, str | None, str, datetime.date]:
    today = timezone.localdate()
    form = PlanForm(request.GET or None, initial={"plan_year": today.year, "geography": "now"})
    if form.is_bound:
        form.is_valid()  # a wrong value is shown under its field; the others still apply
    cleaned = getattr(form, "cleaned_data", {})
    year = cleaned.get("plan_year") or today.year
    source = cleaned.get("source") or None
    geography = cleaned.get("geography") or "now"
    on = cleaned.get("on") or today
    return form, year, source, geography, on


@workspace_required
def consolidation_view(request):
    """The agency's table of a plan year: proposals and money by province and by content."""
    form, year, source, geography, _on = _plan_params(request)
    table = consolidation(get_scope(request.user), year, source, geography)
    labels = column_labels()
    if request.GET.get("export") == "xlsx":
        return _consolidation_xlsx(table, labels)
    chart = {
        "labels": [r.label for r in table.provinces],
        "requested": [round(r.value("requested") / 1e6, 1) for r in table.provinces],
        "plan": [round(r.value("plan") / 1e6, 1) for r in table.provinces],
    }
    return render(
        request,
        "reporting/consolidation.html",
        {
            "form": form,
            "table": table,
            "columns": list(labels.items()),
            "chart": chart,
            "active_menu": "reports",
        },
    )


def _consolidation_xlsx(table, labels: dict[str, str]) -> HttpResponse:
    """The consolidation as an Excel file in the ministry's layout: one sheet by province, one by
    content, the cells in exact đồng shown in triệu like the page."""
    sheets = []
    for title, rows in ((_("By province"), table.provinces), (_("By content"), table.contents)):
        sheet = Table(
            _("Consolidation of the %(year)s plan") % {"year": table.plan_year},
            subtitle=title,
            sheet_name=title,
            unit="trieu",
            columns=[
                Column("name", _("Name"), kind=TEXT),
                Column("proposals", _("Proposals"), kind=NUMBER, width=12),
                *[Column(str(c), labels[c]) for c in COLUMNS],
            ],
        )
        for row in rows:
            sheet.row(row.label, proposals=row.proposals, **{str(c): row.value(c) for c in COLUMNS})
        total = table.total
        sheet.total(_("Total"), proposals=total.proposals, **{str(c): total.value(c) for c in COLUMNS})
        sheets.append(sheet)
    return download(sheets, "xlsx", f"tong-hop-{table.plan_year}-{table.source or 'tat-ca'}")


@workspace_required
def plan_view(request):
    """The plan of a year as it stood on any date, every decision that made it, and its execution
    on the same date."""
    form, year, source, _geography, on = _plan_params(request)
    scope = get_scope(request.user)
    figures = plan_and_execution(scope, year, source, on)
    return render(
        request,
        "reporting/plan.html",
        {
            "form": form,
            "year": year,
            "source": source,
            "on": on,
            "at": figures["at"],
            "versions": plan_versions(scope, year, source),
            "executed": figures["executed"],
            "active_menu": "reports",
            "format_money": format_money,
        },
    )


# --- the standard reports of the catalogue (/bao-cao/) ------------------------------------------------

EXPORTS = ("xlsx", "pdf", "csv", "json")


def report_file(report, built, fmt: str, table_index: int = 0):
    """A report's tables as a file: every table in Excel, PDF and JSON; one table in CSV."""
    tables = built.tables
    if fmt == "csv":
        tables = [tables[table_index if 0 <= table_index < len(tables) else 0]]
    return download(tables, fmt, built.title, header=report.header(built) if fmt == "pdf" else None)


@workspace_required
def report_index(request):
    """The list of the standard reports."""
    from khuyencong.reporting.catalogue import REPORTS

    return render(
        request,
        "reporting/report_index.html",
        {"reports": list(REPORTS.values()), "active_menu": "reports"},
    )


@workspace_required
def report_view(request, slug: str):
    """One standard report: its parameters, its tables, a chart and the files to download."""
    from django.http import Http404

    from khuyencong.core.parsing import parse_id
    from khuyencong.reporting.catalogue import get

    report = get(slug)
    if report is None:
        raise Http404(_("No such report."))
    form, built = report.run(get_scope(request.user), request.GET)
    export = request.GET.get("export")
    if built is not None and export in EXPORTS:
        return report_file(report, built, export, (parse_id(request.GET.get("table")) or 1) - 1)
    return render(
        request,
        "reporting/report.html",
        {
            "report": report,
            "form": form,
            "built": built,
            "chart": built.chart if built else {},
            "active_menu": "reports",
        },
    )
