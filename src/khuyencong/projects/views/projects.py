"""Project pages: list, detail (timeline, money, parts), proposal form, actions, files."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyencong.core.exceptions import ConflictError
from khuyencong.core.generic import ObjectListView, workspace_required
from khuyencong.core.parsing import parse_id
from khuyencong.core.permissions import CHANGE, VIEW, get_scope
from khuyencong.core.tables import Column
from khuyencong.establishments.eligibility import check_eligibility
from khuyencong.projects import forms as pforms
from khuyencong.projects.filters import ProjectFilterSet
from khuyencong.projects.models import (
    PLAN_KINDS,
    LedgerEntry,
    LedgerKind,
    Project,
    ResultReport,
)
from khuyencong.projects.queries import flags
from khuyencong.projects.services import implementation, transitions
from khuyencong.projects.services.attachments import attach
from khuyencong.projects.services.ledger import money_of
from khuyencong.projects.services.proposals import can_propose, earlier_support, proposal_save, readiness


def _sum_of(*kinds):
    entries = LedgerEntry.objects.filter(project=OuterRef("pk"), kind__in=kinds).values("project")
    return Subquery(entries.annotate(s=Sum("amount")).values("s")[:1])


def with_money(queryset):
    """Each project's requested, approved and settled support, as correlated sums (the cost is per
    row shown, whatever the size of the ledger)."""
    return queryset.annotate(
        m_requested=_sum_of(LedgerKind.REQUESTED),
        m_plan=_sum_of(*PLAN_KINDS),
        m_settled=_sum_of(LedgerKind.SETTLED),
    )


class ProjectListView(ObjectListView):
    model = Project
    filterset_class = ProjectFilterSet
    template_name = "projects/project_list.html"
    title = gettext_lazy("Projects")
    export_name = "de-an"
    default_sort = "-plan_year"
    create_url_name = "projects:create"
    columns = [
        Column("code", gettext_lazy("Code"), sort="code", link=True, css="text-nowrap"),
        Column("name", gettext_lazy("Name"), sort="name", css="kc-col-wide"),
        Column("plan_year", gettext_lazy("Year"), sort="plan_year"),
        Column("source", gettext_lazy("Source"), kind="choice", sort="source"),
        Column("content", gettext_lazy("Content"), accessor="content.short_name", sort="content__order"),
        Column(
            "province", gettext_lazy("Province"), accessor="lead_province.name", sort="lead_province__name"
        ),
        Column("implementer", gettext_lazy("Implementing unit"), accessor="implementer", css="kc-col-mid"),
        Column("status", gettext_lazy("Status"), kind="choice", sort="status"),
        Column("m_requested", gettext_lazy("Requested (million VND)"), kind="money", sort="m_requested"),
        Column("m_plan", gettext_lazy("Approved (million VND)"), kind="money", sort="m_plan"),
        Column("m_settled", gettext_lazy("Settled (million VND)"), kind="money", sort="m_settled"),
    ]

    def base_queryset(self):
        return with_money(
            Project.objects.select_related(
                "content", "lead_province", "implementing_org", "implementing_establishment"
            )
        )

    def can_create(self) -> bool:
        return can_propose(self.request.user)


def _actuals(project: Project) -> dict[int, Decimal]:
    """Per indicator, the value from approved reports (latest for cumulative indicators, else sum)."""
    result: dict[int, Decimal] = {}
    for report in (
        ResultReport.objects.filter(project=project, state="approved")
        .select_related("indicator")
        .order_by("period_end", "id")
    ):
        if report.indicator.cumulative:
            result[report.indicator_id] = report.value
        else:
            result[report.indicator_id] = result.get(report.indicator_id, Decimal(0)) + report.value
    return result


@workspace_required
def project_detail(request, pk: int):
    project = get_object_or_404(
        Project.objects.restrict(request.user, VIEW).select_related(
            "content",
            "programme",
            "round",
            "lead_province",
            "lead_province_now",
            "implementing_org",
            "implementing_establishment",
            "support_norm__legal_basis",
        ),
        pk=pk,
    )
    scope = get_scope(request.user)
    on = (project.submitted_at and timezone.localtime(project.submitted_at).date()) or timezone.localdate()
    beneficiaries = []
    for b in project.beneficiaries.select_related(
        "establishment__commune", "establishment__division__section", "establishment__province_now"
    ):
        beneficiaries.append(
            {
                "row": b,
                "eligibility": check_eligibility(b.establishment, on),
                "earlier": list(earlier_support(b.establishment_id, project)),
                "effect": effect_row(b),
            }
        )
    actuals = _actuals(project)
    results = [(r, actuals.get(r.indicator_id)) for r in project.planned_results.select_related("indicator")]
    problems, warnings = readiness(project) if project.is_editable else ([], [])
    from khuyencong.projects.models import ExpertAssignment

    actions = transitions.available_actions(request.user, project)
    context = {
        "object": project,
        "money": money_of(project),
        "events": project.events.select_related("user"),
        "lines": project.budget_lines.all(),
        "locations": project.locations.select_related("province"),
        "beneficiaries": beneficiaries,
        "results": results,
        "result_reports": project.result_reports.select_related("indicator").order_by("-period_end", "-id"),
        "attachments": project.attachments.filter(progress_report__isnull=True),
        "progress": project.progress_reports.prefetch_related("photos"),
        "appraisal": getattr(project, "provincial_appraisal", None),
        "council_results": project.council_results.select_related("session__council"),
        "assignments": ExpertAssignment.objects.restrict(request.user)
        .filter(project=project)
        .select_related("expert", "council"),
        "decision_lines": project.decision_lines.select_related("decision").order_by("decision__date", "id"),
        "contract": getattr(project, "contract", None),
        "acceptance": getattr(project, "acceptance", None),
        "settlement": getattr(project, "settlement", None),
        "norm_exceptions": project.norm_exceptions.select_related("norm"),
        "flags": flags(project),
        "problems": problems,
        "warnings": warnings,
        "actions": actions,
        "can_report_effects": any(a.name == "report_effects" for a in actions),
        "can_edit": project.is_editable
        and Project.objects.restrict(request.user, CHANGE).filter(pk=pk).exists(),
        "can_attach": transitions.owner_doit_or_agency(scope, project),
        "can_review_results": transitions.doit_or_agency(scope, project),
        "attachment_form": pforms.AttachmentForm(),
        "active_menu": "projects",
    }
    return render(request, "projects/project_detail.html", context)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                for message in e.messages:
                    form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@workspace_required
def project_create(request):
    """Step 1: the general information; the parts (budget, places, beneficiaries, results) follow."""
    if not can_propose(request.user):
        raise PermissionDenied(_("Your role cannot file proposals."))
    form = pforms.ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = proposal_save(user=request.user, project=None, data=form.service_data())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Proposal %(code)s created. Now add its budget, places, beneficiaries and planned results.")
                % {"code": project.code},
            )
            return redirect("projects:edit", pk=project.pk)
    return render(request, "projects/project_create.html", {"form": form, "active_menu": "projects"})


def _initial_parts(project: Project) -> dict:
    return {
        "lines": [
            {
                "category": x.category,
                "item": x.item,
                "state_support": x.state_support,
                "counterpart": x.counterpart,
            }
            for x in project.budget_lines.all()
        ],
        "locations": [
            {"province": x.province_id, "share": Decimal(x.share_bp) / 100} for x in project.locations.all()
        ],
        "beneficiaries": [
            {"establishment": x.establishment_id, "planned_support": x.planned_support, "role": x.role}
            for x in project.beneficiaries.all()
        ],
        "results": [{"indicator": x.indicator_id, "target": x.target} for x in project.planned_results.all()],
    }


@workspace_required
def project_edit(request, pk: int):
    """The whole proposal on one page; saving is all or nothing."""
    project = get_object_or_404(Project.objects.restrict(request.user, VIEW), pk=pk)
    if not Project.objects.restrict(request.user, CHANGE).filter(pk=pk).exists():
        raise PermissionDenied(_("You can read this project but not change it."))
    if not project.is_editable:
        messages.warning(request, _("Only a draft or a returned proposal can be changed."))
        return redirect(project)
    data = request.POST if request.method == "POST" else None
    initial = _initial_parts(project)
    form = pforms.ProjectForm(data, instance=project, user=request.user, initial={"version": project.version})
    lines = pforms.BudgetLineFormSet(data, prefix="lines", initial=None if data else initial["lines"])
    locations = pforms.LocationFormSet(
        data, prefix="locations", initial=None if data else initial["locations"]
    )
    beneficiaries = pforms.BeneficiaryFormSet(
        data,
        prefix="beneficiaries",
        form_kwargs={"user": request.user},
        initial=None if data else initial["beneficiaries"],
    )
    results = pforms.ResultFormSet(
        data,
        prefix="results",
        form_kwargs={"content": project.content},
        initial=None if data else initial["results"],
    )
    conflict = None
    if request.method == "POST" and all(
        f.is_valid() for f in (form, lines, locations, beneficiaries, results)
    ):
        try:
            proposal_save(
                user=request.user,
                project=project,
                data=form.service_data(),
                budget_lines=[
                    {
                        k: r[k] or 0 if k == "counterpart" else r[k]
                        for k in ("category", "item", "state_support", "counterpart")
                    }
                    for r in lines.rows()
                ],
                locations=[
                    {"province": r["province"], "share_bp": int(r["share"] * 100)} for r in locations.rows()
                ],
                beneficiaries=[
                    {
                        "establishment": r["establishment"],
                        "planned_support": r["planned_support"],
                        "role": r["role"],
                    }
                    for r in beneficiaries.rows()
                ],
                results=[{"indicator": r["indicator"], "target": r["target"]} for r in results.rows()],
                version=form.cleaned_data.get("version"),
            )
        except ConflictError as error:
            conflict = error
            form.data = form.data.copy()
            form.data["version"] = error.current_version
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Proposal saved."))
            return redirect(project)
    problems, warnings = readiness(project)
    return render(
        request,
        "projects/project_edit.html",
        {
            "object": project,
            "form": form,
            "lines": lines,
            "locations": locations,
            "beneficiaries": beneficiaries,
            "results": results,
            "conflict": conflict,
            "problems": problems,
            "warnings": warnings,
            "active_menu": "projects",
        },
    )


# --- actions: one page for every transition of the state machine ------------------------------------

ACTION_FORMS = {
    "submit": pforms.ConfirmForm,
    "accept_late": pforms.ReasonForm,
    "withdraw": pforms.ReasonForm,
    "return": pforms.ReasonForm,
    "doit_appraise": pforms.DoitAppraisalForm,
    "forward": pforms.ConfirmForm,
    "reject": pforms.ReasonForm,
    "sign_contract": pforms.ContractForm,
    "advance": pforms.PaymentForm,
    "pay": pforms.PaymentForm,
    "report_progress": pforms.ProgressForm,
    "report_result": pforms.ResultReportForm,
    "report_effects": pforms.EffectsForm,
    "accept": pforms.AcceptanceForm,
    "settle": pforms.SettlementForm,
    "refund": pforms.RefundForm,
    "norm_exception": pforms.ReasonForm,
}


def _perform(name: str, user, project: Project, data: dict, files) -> None:
    if name == "submit":
        transitions.project_submit(user=user, project=project)
    elif name == "accept_late":
        transitions.project_accept_late(user=user, project=project, reason=data["reason"])
    elif name == "withdraw":
        transitions.project_withdraw(user=user, project=project, reason=data["reason"])
    elif name == "return":
        transitions.project_return(user=user, project=project, reason=data["reason"])
    elif name == "doit_appraise":
        transitions.project_doit_appraise(user=user, project=project, **data)
    elif name == "forward":
        transitions.project_forward(user=user, project=project)
    elif name == "reject":
        transitions.project_reject(user=user, project=project, reason=data["reason"])
    elif name == "sign_contract":
        implementation.sign_contract(user=user, project=project, **data)
    elif name == "advance":
        implementation.pay_advance(user=user, project=project, **data)
    elif name == "pay":
        implementation.record_payment(user=user, project=project, **data)
    elif name == "report_progress":
        implementation.report_progress(user=user, project=project, photos=files.getlist("photos"), **data)
    elif name == "report_result":
        implementation.report_result(user=user, project=project, **data)
    elif name == "report_effects":
        implementation.report_effects(user=user, project=project, **data)
    elif name == "accept":
        implementation.accept(user=user, project=project, **data)
    elif name == "settle":
        implementation.settle(user=user, project=project, **data)
    elif name == "refund":
        implementation.record_refund(user=user, project=project, **data)
    elif name == "norm_exception":
        transitions.record_norm_exception(user=user, project=project, reason=data["reason"])
    else:  # pragma: no cover - the URL only routes registered actions
        raise Http404


@workspace_required
def project_action(request, pk: int, action: str):
    project = get_object_or_404(Project.objects.restrict(request.user, VIEW), pk=pk)
    if action not in ACTION_FORMS:
        raise Http404
    available = {a.name: a for a in transitions.available_actions(request.user, project)}
    if action not in available:
        raise PermissionDenied(_("This action is not available for this project now."))
    form_class = ACTION_FORMS[action]
    kwargs = {"project": project} if getattr(form_class, "needs_project", False) else {}
    posted = request.method == "POST"
    # An action with no fields (submit, withdraw) posts an empty form: bind it all the same.
    form = form_class(request.POST if posted else None, request.FILES if posted else None, **kwargs)
    if not posted:
        form.initial.update(_action_initial(action, project))
        if action == "report_effects":
            form.initial.update(_effects_initial(project, request.GET.get("beneficiary")))
    if request.method == "POST" and form.is_valid():
        try:
            _perform(action, request.user, project, dict(form.cleaned_data), request.FILES)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": available[action].label})
            return redirect(project)
    problems, warnings = readiness(project) if action in ("submit", "accept_late") else ([], [])
    return render(
        request,
        "projects/project_action.html",
        {
            "object": project,
            "action": available[action],
            "form": form,
            "money": money_of(project),
            "problems": problems,
            "warnings": warnings,
            "effects": _effects_table(project) if action == "report_effects" else None,
            "active_menu": "projects",
        },
    )


def _effects_initial(project: Project, chosen: str | None) -> dict:
    """The chosen beneficiary (``?beneficiary=``, else the first) with its figures so far."""
    rows = project.beneficiaries.all()
    chosen_id = parse_id(chosen)
    row = rows.filter(pk=chosen_id).first() if chosen_id else None
    row = row or rows.first()
    if row is None:
        return {}
    return {"beneficiary": row.pk, **{name: getattr(row, name) for name in implementation.EFFECT_FIELDS}}


def _effects_table(project: Project) -> list[dict]:
    return [effect_row(b) for b in project.beneficiaries.select_related("establishment")]


def _change(before, after) -> float | None:
    """The change in per cent, when both figures are known and the first is not 0."""
    if before is None or after is None or before == 0:
        return None
    return (after - before) * 100 / before


def effect_row(b) -> dict:
    return {
        "row": b,
        "figures": [
            (
                _("Revenue"),
                b.revenue_before,
                b.revenue_after,
                True,
                _change(b.revenue_before, b.revenue_after),
            ),
            (
                _("Production value"),
                b.production_before,
                b.production_after,
                True,
                _change(b.production_before, b.production_after),
            ),
            (_("Jobs"), b.jobs_before, b.jobs_after, False, _change(b.jobs_before, b.jobs_after)),
        ],
        "known": any(getattr(b, name) is not None for name in implementation.EFFECT_FIELDS),
    }


def _action_initial(action: str, project: Project) -> dict:
    today = timezone.localdate()
    money = money_of(project)
    defaults = {
        "doit_appraise": {
            "appraised_on": today,
            "recommended_amount": money.requested,
            "body": _("Appraisal council of the Department of Industry and Trade"),
        },
        "sign_contract": {"signed_on": today, "value": money.plan},
        "advance": {"paid_on": today},
        "pay": {"paid_on": today, "amount": money.still_to_pay or None},
        "report_progress": {"month": today},
        "report_result": {"period_end": today},
        "accept": {"accepted_on": today, "result": "passed"},
        "settle": {"settled_on": today, "amount": money.net_paid},
        "refund": {"refunded_on": today, "amount": money.refund_due},
    }
    return defaults.get(action, {})


@workspace_required
@require_POST
def attachment_upload(request, pk: int):
    project = get_object_or_404(Project.objects.restrict(request.user, VIEW), pk=pk)
    form = pforms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attach(
                user=request.user,
                project=project,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("File added."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(f"{project.get_absolute_url()}#files")


@workspace_required
def attachment_download(request, pk: int, attachment_id: int):
    """Files are served only to users who may see the project (404 for everyone else)."""
    project = get_object_or_404(Project.objects.restrict(request.user, VIEW), pk=pk)
    attachment = get_object_or_404(project.attachments, pk=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.content_type.startswith("image/"),
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@workspace_required
@require_POST
def result_review(request, pk: int, report_id: int):
    project = get_object_or_404(Project.objects.restrict(request.user, VIEW), pk=pk)
    report = get_object_or_404(project.result_reports, pk=report_id)
    try:
        implementation.review_result(
            user=request.user, report=report, approve=request.POST.get("approve") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{project.get_absolute_url()}#results")
