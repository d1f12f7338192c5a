"""Project pages: list, detail (timeline, money, parts), proposal form, actions, files."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khuyencong.core.exceptions import ConflictError
from khuyencong.core.generic import ObjectListView, workspace_required
from khuyencong.core.permissions import CHANGE, VIEW, get_scope
from khuyencong.core.tables import Column
from khuyencong.establishments.eligibility import check_eligibility
from khuyencong.projects import forms as pforms
from khuyencong.projects.actions import PROJECT_ACTIONS
from khuyencong.projects.extensions import ACHIEVED_RESULTS
from khuyencong.projects.filters import ProjectFilterSet
from khuyencong.projects.models import (
    Decision,
    Project,
)
from khuyencong.projects.queries import flags, money_shown, timeline, with_money
from khuyencong.projects.services import implementation, transitions
from khuyencong.projects.services.attachments import attach
from khuyencong.projects.services.proposals import (
    can_propose,
    earlier_support,
    earlier_support_seen_by,
    proposal_save,
    readiness,
)
from khuyencong.projects.services.roles import doit_or_agency, owner_doit_or_agency


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
        Column("content", gettext_lazy("Content"), accessor="content.short_shown", sort="content__order"),
        Column(
            "province", gettext_lazy("Province"), accessor="lead_province.name", sort="lead_province__name"
        ),
        Column("implementer", gettext_lazy("Implementing unit"), accessor="implementer", css="kc-col-mid"),
        Column("status", gettext_lazy("Status"), kind="choice", sort="status"),
        Column(
            "m_requested",
            gettext_lazy("Requested (million VND)"),
            kind="money",
            sort="m_requested",
            export_label=gettext_lazy("Requested (VND)"),
        ),
        Column(
            "m_plan",
            gettext_lazy("Approved (million VND)"),
            kind="money",
            sort="m_plan",
            export_label=gettext_lazy("Approved (VND)"),
        ),
        Column(
            "m_settled",
            gettext_lazy("Settled (million VND)"),
            kind="money",
            sort="m_settled",
            export_label=gettext_lazy("Settled (VND)"),
        ),
    ]

    def base_queryset(self):
        return with_money(
            Project.objects.select_related(
                "content", "lead_province", "implementing_org", "implementing_establishment"
            )
        )

    def can_create(self) -> bool:
        return can_propose(self.request.user)


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
                "earlier": earlier_support_seen_by(
                    request.user, earlier_support(b.establishment_id, project)
                ),
                "effect": effect_row(b),
            }
        )
    actuals = ACHIEVED_RESULTS.context(project, scope)
    results = [(r, actuals.get(r.indicator_id)) for r in project.planned_results.select_related("indicator")]
    problems, warnings = readiness(project, viewer=request.user) if project.is_editable else ([], [])
    from khuyencong.projects.models import ExpertAssignment

    actions = transitions.available_actions(request.user, project)
    context = {
        "object": project,
        "money": money_shown(project),
        "events": timeline(project, request.user),
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
        # linked only where the viewer may open the decision (a unit does not read provincial ones)
        "readable_decisions": set(
            Decision.objects.restrict(request.user)
            .filter(lines__project=project)
            .values_list("pk", flat=True)
        ),
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
        "can_attach": owner_doit_or_agency(scope, project),
        "can_review_results": doit_or_agency(scope, project),
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
    problems, warnings = readiness(project, viewer=request.user)
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


# --- actions: one page for every action of the table (``khuyencong.projects.actions``) -----------


@workspace_required
def project_action(request, pk: int, action: str):
    project = get_object_or_404(Project.objects.restrict(request.user, VIEW), pk=pk)
    if action not in PROJECT_ACTIONS:
        raise Http404
    available = {a.name: a for a in transitions.available_actions(request.user, project)}
    if action not in available:
        raise PermissionDenied(_("This action is not available for this project now."))
    posted = request.method == "POST"
    # An action with no fields (submit, withdraw) posts an empty form: bind it all the same.
    form = PROJECT_ACTIONS.form(
        action,
        project,
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=None if posted else available[action].initial(project, request.GET),
    )
    if posted and form.is_valid():
        try:
            PROJECT_ACTIONS.perform(
                action, user=request.user, obj=project, data=form.cleaned_data, files=request.FILES
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": available[action].label})
            return redirect(project)
    problems, warnings = (
        readiness(project, viewer=request.user) if action in ("submit", "accept_late") else ([], [])
    )
    return render(
        request,
        "projects/project_action.html",
        {
            "object": project,
            "action": available[action],
            "form": form,
            "money": money_shown(project),
            "problems": problems,
            "warnings": warnings,
            "effects": _effects_table(project) if action == "report_effects" else None,
            "active_menu": "projects",
        },
    )


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
    except PermissionDenied as error:
        messages.error(request, str(error))
    return redirect(f"{project.get_absolute_url()}#results")
