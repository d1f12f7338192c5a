"""Allocation and amendment decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core.generic import workspace_required
from khuyencong.core.permissions import get_scope
from khuyencong.orgs.models import Organisation
from khuyencong.programmes.models import LegalDocument
from khuyencong.projects.forms import DecisionForm, DecisionLineForm
from khuyencong.projects.models import Decision, DecisionLine
from khuyencong.projects.queries import decision_lines_in_scope
from khuyencong.projects.services import decisions
from khuyencong.projects.services.ledger import money_of
from khuyencong.projects.views.projects import _add_errors


@workspace_required
def decision_list(request):
    scope = get_scope(request.user)
    items = Decision.objects.restrict(request.user).select_related("issuer", "province")
    can_record = scope.national_write or bool(scope.current_write)
    form = DecisionForm(request.POST or None, user=request.user) if can_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                decision = decisions.decision_create(user=request.user, data=form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Decision recorded as a draft; add its projects, then issue it."))
                return redirect(decision)
    if form is not None and not form.is_bound:
        form.initial.update(
            {
                "date": timezone.localdate(),
                "plan_year": timezone.localdate().year,
                "source": "kcqg",
                "issuer": Organisation.objects.filter(code="bo-cong-thuong").first(),
                "legal_basis": LegalDocument.objects.filter(number="45/2012/NĐ-CP").first(),
            }
        )
    return render(
        request, "projects/decision_list.html", {"decisions": items, "form": form, "active_menu": "projects"}
    )


@workspace_required
def decision_detail(request, pk: int):
    decision = get_object_or_404(
        Decision.objects.restrict(request.user).select_related("issuer", "legal_basis"), pk=pk
    )
    editable = not decision.is_issued and decisions.can_decide(request.user, decision)
    line_form = (
        DecisionLineForm(request.POST or None, decision=decision, user=request.user) if editable else None
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if line_form.is_valid():
            try:
                decisions.decision_set_line(user=request.user, decision=decision, **line_form.cleaned_data)
            except ValidationError as error:
                _add_errors(line_form, error)
            else:
                messages.success(request, _("Line saved."))
                return redirect(decision)
    in_scope = decision_lines_in_scope(get_scope(request.user), decision)
    rows = [(line, money_of(line.project)) for line in in_scope.lines]
    return render(
        request,
        "projects/decision_detail.html",
        {
            "object": decision,
            "rows": rows,
            "line_form": line_form,
            "editable": editable,
            "total": in_scope.total,
            "change": in_scope.change,
            "hidden_lines": in_scope.hidden,
            "active_menu": "projects",
        },
    )


@workspace_required
@require_POST
def decision_issue(request, pk: int):
    decision = get_object_or_404(Decision.objects.restrict(request.user), pk=pk)
    try:
        decisions.decision_issue(user=request.user, decision=decision)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Decision %(number)s issued: the plan and the projects are updated.")
            % {"number": decision.number},
        )
    return redirect(decision)


@workspace_required
@require_POST
def decision_line_remove(request, pk: int, line_id: int):
    decision = get_object_or_404(Decision.objects.restrict(request.user), pk=pk)
    line = get_object_or_404(DecisionLine, pk=line_id, decision=decision)
    try:
        decisions.decision_remove_line(user=request.user, line=line)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(decision)
