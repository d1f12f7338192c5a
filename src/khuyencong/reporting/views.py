"""The report pages: the agency's consolidation of a plan year, and the plan as it stood on a date
with its execution cut at the same date."""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.formatting import format_date, format_money
from khuyencong.core.generic import workspace_required
from khuyencong.core.permissions import get_scope, role_assignments
from khuyencong.documents.responses import download
from khuyencong.documents.tables import NUMBER, TEXT, Column, Table
from khuyencong.projects.forms import PlanForm
from khuyencong.reporting import measures
from khuyencong.reporting.reports import COLUMNS, consolidation, plan_and_execution, plan_versions


def column_labels() -> dict[str, str]:
    return {name: str(measures.get(name).label) for name in COLUMNS}


def _plan_params(
    request, on_label: str | None = None
) -> tuple[PlanForm, int, str | None, str, datetime.date | None]:
    """The parameters of the plan and consolidation pages; ``on`` is ``None`` unless the user asked
    for the figures as they stood on a date (``on_label``: that field's label on the page)."""
    today = timezone.localdate()
    form = PlanForm(request.GET or None, initial={"plan_year": today.year, "geography": "now"})
    if on_label:
        form.fields["on"].label = on_label
    if form.is_bound:
        form.is_valid()  # a wrong value is shown under its field; the others still apply
    cleaned = getattr(form, "cleaned_data", {})
    year = cleaned.get("plan_year") or today.year
    source = cleaned.get("source") or None
    geography = cleaned.get("geography") or "now"
    return form, year, source, geography, cleaned.get("on") or None


@workspace_required
def consolidation_view(request):
    """The agency's table of a plan year: proposals and money by province and by content."""
    form, year, source, geography, on = _plan_params(request, _("Figures as they stood on"))
    table = consolidation(get_scope(request.user), year, source, geography, on)
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
            subtitle=title
            if table.on is None
            else _("%(part)s; figures as they stood on %(date)s")
            % {"part": title, "date": format_date(table.on)},
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
    on = f"-{table.on:%Y%m%d}" if table.on else ""
    return download(sheets, "xlsx", f"tong-hop-{table.plan_year}-{table.source or 'tat-ca'}{on}")


@workspace_required
def plan_view(request):
    """The plan of a year as it stood on any date, every decision that made it, and its execution
    on the same date."""
    form, year, source, _geography, on = _plan_params(request)
    on = on or timezone.localdate()
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


# --- the pivot explorer ---------------------------------------------------------------------------------

PIVOT_FORMATS = ("xlsx", "csv", "json", "pdf")


def pivot_title(form) -> tuple[str, str]:
    """The pivot's title (its measures and dimensions) and subtitle (its filters and date)."""
    from khuyencong.core.formatting import format_date
    from khuyencong.reporting import pivot

    data = form.cleaned_data
    measures = ", ".join(pivot.measure_label(m) for m in data["measures"])
    by = [pivot.dimension_label(d) for d in form.row_dimensions()]
    if data.get("columns"):
        by.append(pivot.dimension_label(data["columns"]))
    title = _("%(measures)s by %(dimensions)s") % {
        "measures": measures,
        "dimensions": " × ".join(b[:1].lower() + b[1:] for b in by),
    }
    notes = [str(pivot.GEOGRAPHIES[form.geography_code()])]
    year_from, year_to = data.get("year_from"), data.get("year_to")
    if year_from or year_to:
        first, last = year_from or year_to, year_to or year_from
        notes.append(_("plan year %(year)s") % {"year": first if first == last else f"{first}–{last}"})
    for name in ("source", "content", "province", "region", "status", "kind"):
        if data.get(name):
            notes.append(
                f"{form.fields[name].label}: {dict(_flat(form.fields[name].choices)).get(data[name], '')}"
            )
    if data.get("on"):
        notes.append(_("as of %(date)s") % {"date": format_date(data["on"])})
    return title, "; ".join(notes)


def _flat(choices):
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from _flat(label)
        else:
            yield str(key), str(label)


def _issuer(scope) -> str:
    """Who issues the printed pivot: the agency for a national reader, else the user's DOIT."""
    from khuyencong.geo.models import AdministrativeUnit

    if scope.national_read or not scope.home_provinces:
        return _("Agency of Regional Industry and Trade")
    names = AdministrativeUnit.objects.filter(pk__in=scope.home_provinces).values_list("name", flat=True)
    return _("Department of Industry and Trade of %(province)s") % {"province": ", ".join(sorted(names))}


@workspace_required
def pivot_view(request):
    """The pivot explorer: rows, columns, measures and filters chosen on the page; the cross table
    with its totals; the same table in Excel, CSV, JSON and PDF. The address keeps every choice."""
    from khuyencong.documents.tables import DocumentHeader
    from khuyencong.reporting import pivot
    from khuyencong.reporting.pivot_forms import PivotForm

    initial = {
        "rows": "content",
        "columns": "source",
        "measures": ["plan"],
        "geography": "34",
        "unit": "trieu",
    }
    form = PivotForm(request.GET if "rows" in request.GET else None, initial=initial)
    if not form.is_bound:
        form = PivotForm({**initial, "measures": initial["measures"]})
    table = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = form.build(get_scope(request.user))
        except pivot.PivotError as failure:
            form.add_error(failure.field, failure.message)
        else:
            title, subtitle = pivot_title(form)
            table = pivot.document(result, data.get("unit") or "trieu", title, subtitle)
            fmt = request.GET.get("export")
            if fmt in PIVOT_FORMATS:
                header = DocumentHeader(
                    issuer=_issuer(get_scope(request.user)),
                    parent=_("Ministry of Industry and Trade"),
                    date=timezone.localdate(),
                    document_type=_("Report"),
                )
                return download(table, fmt, title, header=header if fmt == "pdf" else None)
    return render(
        request,
        "reporting/pivot.html",
        {
            "form": form,
            "table": table,
            "formats": PIVOT_FORMATS,
            "layout": ["rows", "rows2", "columns", "measures"],
            "active_menu": "reports",
        },
    )


# --- the dashboard (leaders' home page) ------------------------------------------------------------


class DashboardForm(forms.Form):
    """The dashboard's choices (all optional; a wrong value is named under its field and the default
    is shown)."""

    # class attributes: read when the module is imported, so lazily, in each request's language
    year = forms.IntegerField(label=gettext_lazy("Plan year"), required=False)
    measure = forms.ChoiceField(label=gettext_lazy("Colour the map by"), required=False)
    geo = forms.ChoiceField(
        label=gettext_lazy("Provinces"),
        required=False,
        choices=[
            ("34", gettext_lazy("34 provinces (from 01/07/2025)")),
            ("63", gettext_lazy("63 provinces (until 30/06/2025)")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        from khuyencong.core.forms import style_form
        from khuyencong.reporting.dashboards import FIRST_YEAR, MAP_KEYS, _map_labels

        super().__init__(*args, **kwargs)
        labels = _map_labels()
        self.fields["measure"].choices = [(key, labels[key][0]) for key in MAP_KEYS]
        last = timezone.localdate().year + 1
        self.fields["year"].min_value = FIRST_YEAR
        self.fields["year"].max_value = last
        self.fields["year"].validators += [MinValueValidator(FIRST_YEAR), MaxValueValidator(last)]
        self.fields["year"].widget.attrs.update({"min": FIRST_YEAR, "max": last})
        style_form(self)


def dashboard_context(request) -> dict:
    from khuyencong.geo.maps import rows_for
    from khuyencong.reporting import dashboards

    scope = get_scope(request.user)
    today = timezone.localdate()
    form = DashboardForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # a wrong value is shown under its field; the others still apply
    cleaned = getattr(form, "cleaned_data", {})
    year = cleaned.get("year") or today.year
    key = cleaned.get("measure") or "plan"
    geography = cleaned.get("geo") or "34"
    board = dashboards.dashboard(scope, year)
    million = 1_000_000

    def series(values: list[int | None]) -> list[float | None]:
        return [None if v is None else round(v / million, 1) for v in values]

    chart_months = {
        "labels": [_("M%(month)s") % {"month": m} for m in range(1, 13)],
        "plan": series(board.months.values["plan"]),
        "paid": series(board.months.values["paid"]),
        "settled": series(board.months.values["settled"]),
        "last_plan": series(board.last_year.values["plan"]),
        "last_paid": series(board.last_year.values["paid"]),
        "names": {
            "plan": _("Plan %(year)s") % {"year": year},
            "paid": _("Paid %(year)s") % {"year": year},
            "settled": _("Settled %(year)s") % {"year": year},
            "last_plan": _("Plan %(year)s") % {"year": year - 1},
            "last_paid": _("Paid %(year)s") % {"year": year - 1},
        },
        "unit": _("million VND"),
    }
    chart_contents = {
        "labels": [r.label for r in board.contents],
        "plan": [round(r.plan / million, 1) for r in board.contents],
        "paid": [round(r.paid / million, 1) for r in board.contents],
        "executed": [round(r.executed / million, 1) for r in board.contents],
        "names": {
            "plan": _("Approved plan"),
            "paid": _("Paid"),
            "executed": _("Executed (settled projects)"),
        },
        "unit": _("million VND"),
    }
    label, unit, decimals = dashboards._map_labels()[key]
    figures = {g: dashboards.map_figures(scope, year, key, g) for g in ("34", "63")}
    return {
        "form": form,
        "board": board,
        "year": year,
        "key": board.key,
        "chart_months": chart_months,
        "chart_contents": chart_contents,
        "map_title": f"{label} {year}",
        "map_unit": unit,
        "map_decimals": decimals,
        "map_geography": geography,
        "rows34": rows_for("34", figures["34"], decimals),
        "rows63": rows_for("63", figures["63"], decimals),
        "map_notes": figures[geography].notes,
        "national": scope.national_read,
        "whose": _whose_projects(scope),
        "active_menu": "reports",
    }


def _whose_projects(scope) -> str:
    """Whose projects the dashboard adds up, as the viewer's scope reads them."""
    if scope.national_read:
        return _("The whole country.")
    parts = []
    if scope.province_read:
        parts.append(_("The projects of your province."))
    if scope.organisation_ids or scope.establishment_ids:
        parts.append(_("The projects your organisation implements."))
    if scope.is_expert:
        parts.append(_("The proposals assigned to you for appraisal."))
    return " ".join(parts)


@workspace_required
def dashboard_view(request):
    """The dashboard of a plan year: key figures, execution month by month, funds by content, the
    province map and the projects at risk."""
    return render(request, "reporting/dashboard.html", dashboard_context(request))


def leaders_home(request, scope):
    """The read-only leaders' home page is the dashboard, not the officers' cards."""
    from khuyencong.core.permissions import Role

    if not scope.roles or scope.roles != {Role.LEADER.value}:
        return None
    context = dashboard_context(request)
    context.update(
        is_home=True,
        active_menu=None,
        role_assignments=role_assignments(request.user),
    )
    return render(request, "reporting/dashboard.html", context)


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
            **_publications_context(request, report),
        },
    )


def _publications_context(request, report) -> dict:
    """What the report page shows of its publications: the latest ones, and the button to publish."""
    from khuyencong.reporting import snapshots
    from khuyencong.reporting.models import PublishedReport

    scope = get_scope(request.user)
    if not snapshots.may_read(scope):
        return {"may_publish": False, "publications": []}
    latest = (
        PublishedReport.objects.restrict(request.user).filter(report=report.slug).defer("tables", "chart")
    )
    return {"may_publish": snapshots.may_publish(scope), "publications": list(latest[:5])}


# --- published snapshots of the standard reports (/bao-cao/<slug>/cong-bo/) ------------------------------

CAUSES_PER_PAGE = 50


def _report_or_404(slug: str):
    from django.http import Http404

    from khuyencong.reporting.catalogue import get

    report = get(slug)
    if report is None:
        raise Http404(_("No such report."))
    return report


def _readable_publications(request, slug: str):
    """The publications of a report the user may open (none but for readers of the whole country)."""
    from django.http import Http404

    from khuyencong.reporting import snapshots
    from khuyencong.reporting.models import PublishedReport

    if not snapshots.may_read(get_scope(request.user)):
        raise Http404(_("No such publication."))
    return PublishedReport.objects.restrict(request.user).filter(report=slug)


@workspace_required
def published_list(request, slug: str):
    """A report's publications, newest first (GET); publishing it with the given parameters (POST,
    the agency only)."""
    from khuyencong.reporting import snapshots

    if request.method == "POST":
        return publish_view(request, slug)
    report = _report_or_404(slug)
    publications = _readable_publications(request, slug)
    return render(
        request,
        "reporting/published_list.html",
        {
            "report": report,
            "publications": publications.defer("tables", "chart"),
            "may_publish": snapshots.may_publish(get_scope(request.user)),
            "active_menu": "reports",
        },
    )


def publish_view(request, slug: str):
    """Publish a report (POST from the confirmation page): the agency only (403 for others, who
    may read the report but not publish it)."""
    from django.contrib import messages
    from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
    from django.shortcuts import redirect

    from khuyencong.core.models import Job
    from khuyencong.reporting import snapshots

    report = _report_or_404(slug)
    if not snapshots.may_publish(get_scope(request.user)):
        raise PermissionDenied(_("Only the agency publishes reports."))
    data = {k: request.POST.get(k) for k in report.form.base_fields if k in request.POST}
    # checked now and computed by the job queue's worker; the user watches the job's page, which
    # then links to the publication (at once, when the job is already done – as with the test settings)
    try:
        job = snapshots.queue_publication(
            user=request.user,
            report=report,
            data=data,
            number=request.POST.get("number", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        errors = error.message_dict
        for message in errors.get(NON_FIELD_ERRORS, []):
            messages.error(request, message)
        return _confirmation(request, report, data, errors, status=400)
    if job.state == Job.State.DONE and job.result_url:
        messages.success(request, _("The report is published."))
        return redirect(job.result_url)
    if job.state == Job.State.FAILED:
        messages.error(request, job.error)
    return redirect(job.get_absolute_url())


def _confirmation(request, report, data: dict, errors: dict | None = None, status: int = 200):
    form, built = report.run(get_scope(request.user), data)
    return render(
        request,
        "reporting/publish_confirm.html",
        {
            "report": report,
            "form": form,
            "built": built,
            "parameters": [(form[name].label, _shown_value(form, name)) for name in form.fields],
            "hidden": {k: v for k, v in form.data.items() if k in form.fields},
            "errors": errors or {},
            "number": request.POST.get("number", ""),
            "note": request.POST.get("note", ""),
            "today": timezone.localdate(),
            "active_menu": "reports",
        },
        status=status,
    )


def _shown_value(form, name: str) -> str:
    """A parameter as the reader knows it: a choice by its label, not its code."""
    value = form[name].value()
    choices = getattr(form.fields[name], "choices", None)
    if choices is not None:
        for key, label in _flat(choices):
            if key == str(value if value is not None else ""):
                return label
    return "" if value is None else str(value)


@workspace_required
def publish_confirm(request, slug: str):
    """The confirmation before publishing: the parameters and the figures as they stand now."""
    from django.core.exceptions import PermissionDenied

    from khuyencong.reporting import snapshots

    report = _report_or_404(slug)
    if not snapshots.may_publish(get_scope(request.user)):
        raise PermissionDenied(_("Only the agency publishes reports."))
    data = {k: v for k, v in request.GET.items() if k in report.form.base_fields}
    return _confirmation(request, report, data)


@workspace_required
def published_view(request, slug: str, pk: str):
    """A publication: its frozen figures, where today's differ, and the records entered since."""
    from django.core.paginator import Paginator
    from django.http import Http404

    from khuyencong.core.parsing import parse_id
    from khuyencong.reporting import snapshots
    from khuyencong.reporting.catalogue import get

    number = parse_id(pk)
    publication = _readable_publications(request, slug).filter(pk=number).first() if number else None
    if publication is None:
        raise Http404(_("No such publication."))
    tables = snapshots.published_tables(publication)
    export = request.GET.get("export")
    if export in EXPORTS:
        chosen = tables
        if export == "csv":
            index = (parse_id(request.GET.get("table")) or 1) - 1
            chosen = [tables[index if 0 <= index < len(tables) else 0]]
        header = snapshots.header(publication, tables) if export == "pdf" else None
        return download(chosen, export, f"{publication.title} {publication.as_of:%Y-%m-%d}", header=header)
    scope = get_scope(request.user)
    today = snapshots.today_built(publication, scope)
    differences = (
        snapshots.differences(snapshots.published_tables(publication, marked=False), today.tables)
        if today is not None
        else None
    )
    page = Paginator(snapshots.entries_since(publication, scope), CAUSES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    changes = list(snapshots.status_changes_since(publication, scope)[:CAUSES_PER_PAGE])
    return render(
        request,
        "reporting/published.html",
        {
            "report": get(slug),
            "publication": publication,
            "marking": snapshots.marking(publication),
            "tables": tables,
            "chart": publication.chart,
            "differences": differences,
            "page_obj": page,
            "entries": snapshots.with_recorders(list(page.object_list), scope),
            "status_changes": snapshots.with_actors(changes, scope),
            "status_count": snapshots.status_changes_since(publication, scope).count(),
            "status_cap": CAUSES_PER_PAGE,
            "active_menu": "reports",
        },
    )
