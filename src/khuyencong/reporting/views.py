"""The report pages: the agency's consolidation of a plan year, and the plan as it stood on a date
with its execution cut at the same date."""

from __future__ import annotations

import datetime
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.formatting import format_money
from khuyencong.core.generic import workspace_required
from khuyencong.core.permissions import get_scope
from khuyencong.core.spreadsheets import Workbook
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
    output = io.BytesIO()
    book = Workbook(output)  # names are written as text: no cell can become a formula
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    money = book.add_format({"num_format": "#,##0"})
    for title, rows in ((_("By province"), table.provinces), (_("By content"), table.contents)):
        sheet = book.add_worksheet(title[:31])
        headers = [_("Name"), _("Proposals"), *[f"{labels[c]} (VND)" for c in COLUMNS]]
        book.write_row(sheet, 0, 0, headers, bold)
        for r, row in enumerate([*rows, table.total], start=1):
            book.write(sheet, r, 0, row.label or _("Total"))
            book.write(sheet, r, 1, row.proposals)
            for c, column in enumerate(COLUMNS, start=2):
                book.write(sheet, r, c, row.value(column), money)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(headers), 18)
        sheet.freeze_panes(1, 1)
    book.close()
    response = HttpResponse(
        output.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"tong-hop-{table.plan_year}-{table.source or 'tat-ca'}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


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
