"""The agency's councils and the experts' scoring pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.forms import MoneyField
from khuyencong.core.generic import workspace_required
from khuyencong.core.permissions import get_scope
from khuyencong.projects.forms import AssignForm, CouncilForm, SessionForm
from khuyencong.projects.models import Council, ExpertAssignment, LedgerKind, Recommendation, Status
from khuyencong.projects.queries import pending_reviews
from khuyencong.projects.services import appraisal, ledger
from khuyencong.projects.views.projects import _add_errors


@workspace_required
def council_list(request):
    scope = get_scope(request.user)
    councils = Council.objects.restrict(request.user).select_related("criteria_set")
    form = CouncilForm(request.POST or None) if scope.national_write else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("members", "chair")}
            chair = form.cleaned_data["chair"]
            members = [(chair, "chair")] + [(m, "member") for m in form.cleaned_data["members"] if m != chair]
            try:
                council = appraisal.council_create(user=request.user, data=data, members=members)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Council created."))
                return redirect(council)
    if form is not None and not form.is_bound:
        form.initial.update({"plan_year": timezone.localdate().year + 1, "source": "kcqg", "quorum": 3})
    return render(
        request, "projects/council_list.html", {"councils": councils, "form": form, "active_menu": "projects"}
    )


@workspace_required
def council_detail(request, pk: int):
    council = get_object_or_404(Council.objects.restrict(request.user), pk=pk)
    scope = get_scope(request.user)
    assign_form = session_form = None
    if scope.national_write:
        assign_form = AssignForm(request.POST if "assign" in request.POST else None, council=council)
        session_form = SessionForm(
            request.POST if "session" in request.POST else None,
            council=council,
            initial={"held_on": timezone.localdate()},
        )
        if "assign" in request.POST and assign_form.is_valid():
            try:
                appraisal.assign_experts(
                    user=request.user,
                    council=council,
                    project=assign_form.cleaned_data["project"],
                    experts=list(assign_form.cleaned_data["experts"]),
                )
            except ValidationError as error:
                _add_errors(assign_form, error)
            else:
                messages.success(request, _("Experts assigned."))
                return redirect(council)
        if "session" in request.POST and session_form.is_valid():
            try:
                appraisal.session_conclude(user=request.user, council=council, **session_form.cleaned_data)
            except ValidationError as error:
                _add_errors(session_form, error)
            else:
                messages.success(request, _("Session recorded; results computed."))
                return redirect(council)
    elif request.method == "POST":
        raise PermissionDenied
    assignments = (
        ExpertAssignment.objects.restrict(request.user)
        .filter(council=council)
        .select_related("project", "expert")
        .order_by("project__code", "expert__username")
    )
    scored = {
        a.pk: appraisal.expert_score(a) for a in assignments if a.submitted_at and not a.conflict_declared
    }
    sessions = council.sessions.prefetch_related("results__project", "present__user")
    return render(
        request,
        "projects/council_detail.html",
        {
            "object": council,
            "members": council.members.select_related("user"),
            "criteria": council.criteria_set.criteria.all(),
            "assignments": assignments,
            "scored": scored,
            "assign_form": assign_form,
            "session_form": session_form,
            "sessions": sessions,
            "under_review": council.assignments.filter(project__status=Status.UNDER_REVIEW)
            .values("project")
            .distinct()
            .count(),
            "active_menu": "projects",
        },
    )


@workspace_required
def my_reviews(request):
    """The expert's own assignments; ``?state=pending`` the score sheets still to fill (the home
    page's card)."""
    pending = request.GET.get("state") == "pending"
    if pending:
        assignments = pending_reviews(get_scope(request.user))
    else:
        assignments = ExpertAssignment.objects.filter(expert=request.user)
    assignments = assignments.select_related(
        "project__content", "project__lead_province", "council"
    ).order_by("submitted_at", "project__code")
    assignments = list(assignments)
    return render(
        request,
        "projects/my_reviews.html",
        {
            "assignments": assignments,
            "total": len(assignments),
            "pending": pending,
            "active_menu": "projects",
        },
    )


@workspace_required
def review(request, pk: int):
    """Score one proposal: every criterion gets a score or “not applicable”; or declare a conflict."""
    assignment = get_object_or_404(
        ExpertAssignment.objects.restrict(request.user).select_related("project", "council__criteria_set"),
        pk=pk,
    )
    if assignment.expert_id != request.user.pk:
        raise PermissionDenied(_("This is another expert's review."))
    criteria = list(assignment.council.criteria_set.criteria.all())
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    errors: dict[str, list[str]] = {}
    amount_field = MoneyField(required=False)
    if request.method == "POST":
        try:
            if "conflict" in request.POST:
                appraisal.declare_conflict(
                    user=request.user, assignment=assignment, reason=request.POST.get("conflict_reason", "")
                )
                messages.success(
                    request, _("Conflict of interest recorded; you are recused from this proposal.")
                )
                return redirect("projects:my_reviews")
            scores = {
                c.pk: {
                    "value": request.POST.get(f"score_{c.pk}") or None,
                    "not_applicable": request.POST.get(f"na_{c.pk}") == "1",
                    "comment": request.POST.get(f"comment_{c.pk}", ""),
                }
                for c in criteria
            }
            amount_errors: list[str] = []
            try:
                amount = amount_field.clean(request.POST.get("recommended_amount"))
            except ValidationError as error:
                amount, amount_errors = None, error.messages
            submit = "submit" in request.POST
            # an amount that cannot be read is reported with every other error of the sheet, and
            # nothing of the sheet is saved
            with transaction.atomic():
                try:
                    appraisal.save_review(
                        user=request.user,
                        assignment=assignment,
                        scores=scores,
                        recommendation=request.POST.get("recommendation", ""),
                        recommended_amount=amount,
                        comment=request.POST.get("comment", ""),
                        submit=submit,
                    )
                except ValidationError as error:
                    found = (
                        error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
                    )
                    if amount_errors:
                        found["recommended_amount"] = amount_errors
                    raise ValidationError(found) from error
                if amount_errors:
                    raise ValidationError({"recommended_amount": amount_errors})
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        else:
            if submit:
                messages.success(request, _("Review submitted."))
                return redirect("projects:my_reviews")
            messages.success(request, _("Scores saved (not submitted yet)."))
            return redirect("projects:review", pk=assignment.pk)
    rows = [
        {
            "criterion": c,
            "score": existing.get(c.pk),
            "error": errors.get(f"score_{c.pk}"),
            "posted_value": request.POST.get(f"score_{c.pk}") if request.method == "POST" else None,
            "posted_na": request.POST.get(f"na_{c.pk}") == "1" if request.method == "POST" else None,
            "posted_comment": request.POST.get(f"comment_{c.pk}") if request.method == "POST" else None,
        }
        for c in criteria
    ]
    others = []
    if assignment.submitted_at:
        others = [
            (a, appraisal.expert_score(a))
            for a in ExpertAssignment.objects.restrict(request.user)
            .filter(project=assignment.project)
            .exclude(pk=assignment.pk)
            .select_related("expert")
        ]
    return render(
        request,
        "projects/review.html",
        {
            "assignment": assignment,
            "project": assignment.project,
            "rows": rows,
            "errors": errors,
            "general_errors": errors.get("__all__", []),
            "recommendations": Recommendation.choices,
            "my_score": appraisal.expert_score(assignment),
            "requested": ledger.total(assignment.project, LedgerKind.REQUESTED),
            "others": others,
            "posted": request.POST if request.method == "POST" else None,
            "active_menu": "projects",
        },
    )
