"""Registration rounds: opening them, provincial deadlines, forwarding the DOIT's results."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core.generic import workspace_required
from khuyencong.core.parsing import parse_ids
from khuyencong.core.permissions import CHANGE, VIEW, get_scope
from khuyencong.projects.forms import DeadlineForm, RoundEditForm, RoundForm
from khuyencong.projects.models import FundingSource, Project, RegistrationRound, Status
from khuyencong.projects.services import transitions
from khuyencong.projects.services.rounds import (
    EDITABLE_ROUND_FIELDS,
    can_open_rounds,
    province_deadline_set,
    round_create,
    round_update,
)
from khuyencong.projects.views.projects import _add_errors


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
    editing = "edit_round" in request.POST
    edit_form = None
    if RegistrationRound.objects.restrict(request.user, CHANGE).filter(pk=the_round.pk).exists():
        # a copy: the form writes into its instance, the service into the round it locks
        edit_form = RoundEditForm(
            request.POST if editing else None, instance=RegistrationRound.objects.get(pk=the_round.pk)
        )
        if editing and edit_form.is_valid():
            try:
                round_update(
                    user=request.user,
                    registration_round=the_round,
                    data={name: edit_form.cleaned_data[name] for name in EDITABLE_ROUND_FIELDS},
                )
            except ValidationError as error:
                _add_errors(edit_form, error)
            else:
                messages.success(request, _("The round was changed."))
                return redirect(the_round)
    elif editing:
        raise PermissionDenied(_("You cannot change this round."))
    deadline_form = None
    if my_province and the_round.province_id is None:
        own = the_round.province_deadlines.filter(province_id=my_province).first()
        deadline_form = DeadlineForm(
            None if editing else (request.POST or None),
            initial={"deadline": own.deadline if own else the_round.deadline},
        )
        if (
            request.method == "POST"
            and not editing
            and "deadline" in request.POST
            and deadline_form.is_valid()
        ):
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
            "edit_form": edit_form,
            "forwardable": forwardable,
            "deadlines": the_round.province_deadlines.select_related("province"),
            "active_menu": "projects",
            "my_deadline": the_round.deadline_for(my_province) if my_province else the_round.deadline,
        },
    )


@workspace_required
@require_POST
def round_forward(request, pk: int):
    """The DOIT forwards its appraisal results (the chosen proposals) to the agency: all or none
    (``transitions.projects_forward``, as the API); a proposal outside the round or the scope is not
    among the choices."""
    the_round = get_object_or_404(RegistrationRound.objects.restrict(request.user), pk=pk)
    ids = parse_ids(request.POST.getlist("projects"))
    chosen = Project.objects.restrict(request.user, VIEW).filter(round=the_round, pk__in=ids)
    try:
        done = transitions.projects_forward(user=request.user, projects=chosen)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(n)s proposals forwarded to the agency.") % {"n": len(done)})
    return redirect(the_round)
