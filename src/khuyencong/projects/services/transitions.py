"""The project's state machine – one place for every change of status.

Pages, the API, imports and commands call these functions. Each checks the actor's role and
scope, the current status and the preconditions, changes the status, writes the money ledger
where money moves, and records a ``ProjectEvent`` (the timeline) with the document that caused
it; the audit trail records the field changes in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.actions import Action
from khuyencong.core.audit import audit_context
from khuyencong.core.permissions import VIEW, Scope, get_scope
from khuyencong.projects.actions import PROJECT_ACTIONS
from khuyencong.projects.models import (
    LedgerKind,
    Project,
    ProjectEvent,
    ProvincialAppraisal,
    Recommendation,
)
from khuyencong.projects.services import batch, ledger
from khuyencong.projects.services.proposals import deadline_passed, describe_deadline, readiness

ACTIONS = PROJECT_ACTIONS  # the table of actions: ``khuyencong.projects.actions``


def available_actions(user, project: Project) -> list[Action]:
    """The actions the user may take on the project now, from the one table."""
    return PROJECT_ACTIONS.available(get_scope(user), project)


def _lock(user, project: Project, action_name: str) -> tuple[Project, Action, Scope]:
    """Re-read the project under lock and check the action is allowed now (role, scope, status)."""
    action = PROJECT_ACTIONS[action_name]
    scope = get_scope(user)
    locked = locked_project(user, project.pk)
    if locked is None:
        raise PermissionDenied(_("This project is outside your scope."))
    if locked.status not in action.sources:
        raise ValidationError(
            _("“%(action)s” is not possible while the project is “%(status)s”.")
            % {"action": action.label, "status": locked.get_status_display()}
        )
    if not action.allowed(scope, locked):
        raise PermissionDenied(_("Your role cannot “%(action)s” this project.") % {"action": action.label})
    return locked, action, scope


def locked_project(user, pk: int) -> Project | None:
    """The project re-read under lock if the user may see it (in a :func:`batch.batch`, the batch's
    own object, read with the others)."""
    unit = batch.current()
    if unit is not None and unit.user == user:
        return unit.project(pk)
    return Project.objects.select_for_update().restrict(user, VIEW).filter(pk=pk).first()


def _event(
    project: Project,
    user,
    action: Action,
    before: str,
    note: str = "",
    document: str = "",
    amount: int | None = None,
    on: datetime.date | None = None,
) -> ProjectEvent:
    """``on``: the date of the document or the work (a contract's signing, a payment); ``at``, the
    time it was recorded, is set by the database."""
    return batch.record_event(
        project,
        on=on,
        kind=action.event,
        user=user,
        from_status=before,
        to_status=project.status,
        note=note,
        document=document,
        amount=amount,
    )


def move_to(project: Project, status: str) -> str:
    """Change the project's status (its version moves on); returns the status before."""
    before = project.status
    if status != before:
        project.status = status
        project.version += 1
        unit = batch.current()
        if unit is not None and unit.knows(project):
            unit.moved(project)
        else:
            project.save()
    return before


def _move(project: Project, action: Action) -> str:
    if action.target is None:
        return project.status
    return move_to(project, action.target)


def _required(value: str | None, field: str, message: str) -> str:
    if not value or not str(value).strip():
        raise ValidationError({field: [message]})
    return str(value).strip()


# --- before the decision --------------------------------------------------------------------------


def project_submit(*, user, project: Project, on: datetime.date | None = None) -> Project:
    """File the proposal at the DOIT: checks completeness, eligibility, norms and the deadline, and
    records the requested state support and counterpart funds in the ledger."""
    on = on or timezone.localdate()
    with transaction.atomic(), audit_context(user=user, reason=_("submitted")):
        project, action, _scope = _lock(user, project, "submit")
        deadline = deadline_passed(project, on)
        if deadline is not None:
            raise ValidationError(describe_deadline(deadline))
        return _file(project, user, action, on)


def project_accept_late(*, user, project: Project, reason: str, on: datetime.date | None = None) -> Project:
    on = on or timezone.localdate()
    reason = _required(reason, "reason", _("Say why the late proposal is accepted."))
    with transaction.atomic(), audit_context(user=user, reason=reason):
        project, action, _scope = _lock(user, project, "accept_late")
        project.late = True
        return _file(project, user, action, on, note=reason)


def _file(project: Project, user, action: Action, on: datetime.date, note: str = "") -> Project:
    problems, _warnings = readiness(project, on)
    if problems:
        raise ValidationError(problems)
    if not project.locations.exists():
        from khuyencong.projects.models import ProjectLocation

        ProjectLocation.objects.create(project=project, province=project.lead_province, share_bp=10_000)
    lines = list(project.budget_lines.all())
    ledger.set_level(project, LedgerKind.REQUESTED, sum(x.state_support for x in lines), on)
    ledger.set_level(project, LedgerKind.COUNTERPART_REQUESTED, sum(x.counterpart for x in lines), on)
    project.submitted_at = timezone.now()
    before = _move(project, action)
    _event(
        project, user, action, before, note=note, amount=ledger.total(project, LedgerKind.REQUESTED), on=on
    )
    return project


def project_withdraw(*, user, project: Project, reason: str) -> Project:
    reason = _required(reason, "reason", _("Say why the proposal is withdrawn."))
    with transaction.atomic(), audit_context(user=user, reason=reason):
        project, action, _scope = _lock(user, project, "withdraw")
        before = _move(project, action)
        _event(project, user, action, before, note=reason)
    return project


def project_return(*, user, project: Project, reason: str) -> Project:
    """Send the proposal back to its owner to complete; the reason is shown to them."""
    reason = _required(reason, "reason", _("Say what must be completed or corrected."))
    with transaction.atomic(), audit_context(user=user, reason=reason):
        project, action, _scope = _lock(user, project, "return")
        before = _move(project, action)
        _event(project, user, action, before, note=reason)
    return project


def project_doit_appraise(
    *,
    user,
    project: Project,
    appraised_on: datetime.date,
    body: str,
    recommendation: str,
    recommended_amount: int,
    comments: str = "",
    score=None,
) -> Project:
    with transaction.atomic(), audit_context(user=user, reason=_("DOIT appraisal")):
        project, action, _scope = _lock(user, project, "doit_appraise")
        requested = ledger.total(project, LedgerKind.REQUESTED)
        if recommendation == Recommendation.REJECT:
            recommended_amount = 0
        if recommended_amount > requested:
            raise ValidationError(
                {
                    "recommended_amount": [
                        _("The recommended support cannot exceed what was requested (%(requested)s đồng).")
                        % {"requested": f"{requested:,}".replace(",", ".")}
                    ]
                }
            )
        if appraised_on > timezone.localdate():
            raise ValidationError({"appraised_on": [_("This date is in the future.")]})
        appraisal = getattr(project, "provincial_appraisal", None) or ProvincialAppraisal(project=project)
        appraisal.appraised_on, appraisal.body, appraisal.recommendation = appraised_on, body, recommendation
        appraisal.recommended_amount, appraisal.comments, appraisal.score = (
            recommended_amount,
            comments,
            score,
        )
        appraisal.full_clean(exclude=["project"])
        appraisal.save()
        ledger.set_level(project, LedgerKind.RECOMMENDED_DOIT, recommended_amount, appraised_on)
        before = _move(project, action)
        _event(
            project,
            user,
            action,
            before,
            note=comments,
            document=body,
            amount=recommended_amount,
            on=appraised_on,
        )
    return project


def project_forward(*, user, project: Project) -> Project:
    with transaction.atomic(), audit_context(user=user, reason=_("forwarded to the agency")):
        project, action, _scope = _lock(user, project, "forward")
        before = _move(project, action)
        _event(project, user, action, before)
    return project


def projects_forward(*, user, projects: Iterable[Project]) -> list[Project]:
    """Forward several appraised proposals to the agency at once (the round's page, the API): each
    checked as :func:`project_forward` checks it, and all or none. When one cannot be forwarded,
    nothing is: a ``PermissionDenied`` when the user may not forward some of them, else a
    ``ValidationError`` on ``projects``, naming every such proposal by its code and the reason."""
    chosen = sorted(projects, key=lambda p: p.pk)  # locked in one order: two requests never deadlock
    if not chosen:
        raise ValidationError({"projects": [_("Choose at least one proposal.")]})
    forwarded: list[Project] = []
    refused: list[str] = []
    invalid: list[str] = []
    with transaction.atomic():
        for project in chosen:
            try:
                forwarded.append(project_forward(user=user, project=project))
            except PermissionDenied as error:
                refused.append(f"{project.code}: {error}")
            except ValidationError as error:
                invalid.append(f"{project.code}: {' '.join(error.messages)}")
        if refused:
            raise PermissionDenied(" ".join(refused))
        if invalid:
            raise ValidationError({"projects": invalid})
    return forwarded


def project_reject(*, user, project: Project, reason: str, document: str = "") -> Project:
    reason = _required(reason, "reason", _("Say why the proposal is not approved."))
    with transaction.atomic(), audit_context(user=user, reason=reason):
        project, action, _scope = _lock(user, project, "reject")
        before = _move(project, action)
        _event(project, user, action, before, note=reason, document=document)
    return project


def record_norm_exception(*, user, project: Project, reason: str) -> Project:
    from khuyencong.projects.models import NormException

    reason = _required(reason, "reason", _("Say why the norm may be exceeded."))
    with transaction.atomic(), audit_context(user=user, reason=reason):
        project, action, _scope = _lock(user, project, "norm_exception")
        NormException.objects.update_or_create(
            project=project, norm=project.support_norm, defaults={"reason": reason}
        )
        _event(project, user, action, project.status, note=reason, document=str(project.support_norm))
    return project
