"""Rounds, the agency's consolidation table and the plan as it stood on a date."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core.formatting import format_money
from khuyencong.core.generic import workspace_required
from khuyencong.core.parsing import parse_ids
from khuyencong.core.permissions import VIEW, get_scope
from khuyencong.documents.responses import download
from khuyencong.documents.tables import NUMBER, TEXT, Column, Table
from khuyencong.projects.forms import DeadlineForm, PlanForm, RoundForm
from khuyencong.projects.models import (
    FundingSource,
    LedgerKind,
    Project,
    RegistrationRound,
    Status,
)
from khuyencong.projects.queries import COLUMNS, consolidation, executed, plan_on, plan_versions
from khuyencong.projects.services import transitions
from khuyencong.projects.services.rounds import can_open_rounds, province_deadline_set, round_create
from khuyencong.projects.views.projects import _add_errors

COLUMN_LABELS = {
    LedgerKind.REQUESTED: _("Requested"),
    LedgerKind.COUNTERPART_REQUESTED: _("Counterpart planned"),
    LedgerKind.RECOMMENDED_DOIT: _("Recommended by DOITs"),
    LedgerKind.RECOMMENDED: _("Recommended by the council"),
    "plan": _("Approved"),
    "paid": _("Paid"),
    LedgerKind.SETTLED: _("Settled"),
    LedgerKind.REFUNDED: _("Refunded"),
}


@workspace_required
def round_list(request):
    rounds = RegistrationRound.objects.restrict(request.user).select_related("province")
    form = RoundForm(request.POST or None, user=request.user) if can_open_rounds(request.user) else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            new_round = round_create(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Round created."))
            return redirect(new_round)
    if form is None and request.method == "POST":
        raise PermissionDenied
    if form is not None and not form.is_bound:
        year = timezone.localdate().year + 1
        form.initial.update(
            {
                "plan_year": year,
                "source": FundingSource.KCQG,
                "name": _("Registration of %(year)s projects") % {"year": year},
                "opens_on": timezone.localdate(),
                "deadline": datetime.date(year - 1, 5, 20)
                if datetime.date(year - 1, 5, 20) >= timezone.localdate()
                else timezone.localdate() + datetime.timedelta(days=30),
            }
        )
    return render(
        request, "projects/round_list.html", {"rounds": rounds, "form": form, "active_menu": "projects"}
    )


@workspace_required
def round_detail(request, pk: int):
    scope = get_scope(request.user)
    the_round = get_object_or_404(RegistrationRound.objects.restrict(request.user), pk=pk)
    projects = (
        Project.objects.restrict(request.user, VIEW)
        .filter(round=the_round)
        .select_related("lead_province", "content")
        .order_by("lead_province__name", "code")
    )
    my_province = next(iter(scope.current_write), None) if len(scope.current_write) == 1 else None
    deadline_form = None
    if my_province and the_round.province_id is None:
        own = the_round.province_deadlines.filter(province_id=my_province).first()
        deadline_form = DeadlineForm(
            request.POST or None, initial={"deadline": own.deadline if own else the_round.deadline}
        )
        if request.method == "POST" and "deadline" in request.POST and deadline_form.is_valid():
            try:
                province_deadline_set(
                    user=request.user,
                    registration_round=the_round,
                    province_id=my_province,
                    deadline=deadline_form.cleaned_data["deadline"],
                )
            except ValidationError as error:
                _add_errors(deadline_form, error)
            else:
                messages.success(request, _("Your province's deadline was saved."))
                return redirect(the_round)
    forwardable = [
        p
        for p in projects
        if p.status == Status.DOIT_APPRAISED
        and any(a.name == "forward" for a in transitions.available_actions(request.user, p))
    ]
    return render(
        request,
        "projects/round_detail.html",
        {
            "object": the_round,
            "projects": projects,
            "deadline_form": deadline_form,
            "forwardable": forwardable,
            "deadlines": the_round.province_deadlines.select_related("province"),
            "active_menu": "projects",
            "my_deadline": the_round.deadline_for(my_province) if my_province else the_round.deadline,
        },
    )


@workspace_required
@require_POST
def round_forward(request, pk: int):
    """The DOIT forwards its appraisal results (the chosen proposals) to the agency."""
    the_round = get_object_or_404(RegistrationRound.objects.restrict(request.user), pk=pk)
    ids = parse_ids(request.POST.getlist("projects"))
    done = 0
    for project in Project.objects.restrict(request.user, VIEW).filter(round=the_round, pk__in=ids):
        try:
            transitions.project_forward(user=request.user, project=project)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, f"{project.code}: {' '.join(getattr(error, 'messages', [str(error)]))}")
    if done:
        messages.success(request, _("%(n)s proposals forwarded to the agency.") % {"n": done})
    return redirect(the_round)


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
    if request.GET.get("export") == "xlsx":
        return _consolidation_xlsx(table)
    columns = [(c, COLUMN_LABELS[c]) for c in COLUMNS]
    chart = {
        "labels": [r.label for r in table.provinces],
        "requested": [round(r.value(LedgerKind.REQUESTED) / 1e6, 1) for r in table.provinces],
        "plan": [round(r.value("plan") / 1e6, 1) for r in table.provinces],
    }
    return render(
        request,
        "projects/consolidation.html",
        {
            "form": form,
            "table": table,
            "columns": columns,
            "chart": chart,
            "active_menu": "reports",
        },
    )


def _consolidation_xlsx(table) -> HttpResponse:
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
                *[Column(str(c), COLUMN_LABELS[c]) for c in COLUMNS],
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
    """The plan of a year as it stood on any date, every decision that made it, and its execution."""
    form, year, source, _geography, on = _plan_params(request)
    scope = get_scope(request.user)
    versions = plan_versions(scope, year, source)
    return render(
        request,
        "projects/plan.html",
        {
            "form": form,
            "year": year,
            "source": source,
            "on": on,
            "at": plan_on(scope, year, source, on),
            "versions": versions,
            "executed": executed(scope, year, source),
            "active_menu": "reports",
            "format_money": format_money,
        },
    )
