"""The project's state machine – one place for every change of status.

Pages, the API, imports and commands call these functions. Each checks the actor's role and
scope, the current status and the preconditions, changes the status, writes the money ledger
where money moves, and records a ``ProjectEvent`` (the timeline) with the document that caused
it; the audit trail records the field changes in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.audit import audit_context
from khuyencong.core.permissions import Scope, get_scope
from khuyencong.projects.models import (
    EventKind,
    FundingSource,
    LedgerKind,
    Project,
    ProjectEvent,
    ProvincialAppraisal,
    Recommendation,
    Status,
)
from khuyencong.projects.services import ledger
from khuyencong.projects.services.proposals import deadline_passed, describe_deadline, readiness
from khuyencong.projects.services.roles import doit_or_agency, is_agency, is_doit, owner_doit_or_agency

S = Status


def _can_return(scope: Scope, project: Project) -> bool:
    if is_agency(scope):
        return True
    return is_doit(scope, project) and project.status in {S.SUBMITTED, S.DOIT_APPRAISED}


def _can_reject(scope: Scope, project: Project) -> bool:
    if is_agency(scope):
        return True
    # a DOIT closes a provincial proposal, or one of its own it does not recommend
    return (
        is_doit(scope, project)
        and project.status == S.DOIT_APPRAISED
        and (project.source == FundingSource.KCDP or _doit_recommendation(project) == Recommendation.REJECT)
    )


def _doit_recommendation(project: Project) -> str | None:
    appraisal = getattr(project, "provincial_appraisal", None)
    return appraisal.recommendation if appraisal else None


@dataclass(frozen=True)
class Action:
    name: str
    label: str | Promise  # a lazy translation, rendered in the user's language
    sources: frozenset[str]
    target: str | None  # None: the status does not change
    allowed: Callable[[Scope, Project], bool]
    event: str
    danger: bool = False

    def applies(self, scope: Scope, project: Project) -> bool:
        return project.status in self.sources and self.allowed(scope, project)


def _actions() -> dict[str, Action]:
    pre_decision = frozenset({S.DOIT_APPRAISED, S.FORWARDED, S.UNDER_REVIEW, S.AGENCY_APPRAISED})
    return {
        a.name: a
        for a in [
            Action(
                "submit",
                gettext_lazy("Submit to the DOIT"),
                frozenset({S.DRAFT, S.RETURNED}),
                S.SUBMITTED,
                owner_doit_or_agency,
                EventKind.SUBMITTED,
            ),
            Action(
                "accept_late",
                gettext_lazy("Accept after the deadline"),
                frozenset({S.DRAFT, S.RETURNED}),
                S.SUBMITTED,
                doit_or_agency,
                EventKind.LATE_ACCEPTED,
            ),
            Action(
                "withdraw",
                gettext_lazy("Withdraw"),
                frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}),
                S.WITHDRAWN,
                owner_doit_or_agency,
                EventKind.WITHDRAWN,
                danger=True,
            ),
            Action(
                "return",
                gettext_lazy("Return for completion"),
                frozenset({S.SUBMITTED, S.DOIT_APPRAISED, S.FORWARDED, S.UNDER_REVIEW}),
                S.RETURNED,
                _can_return,
                EventKind.RETURNED,
            ),
            Action(
                "doit_appraise",
                gettext_lazy("Record the DOIT appraisal"),
                frozenset({S.SUBMITTED}),
                S.DOIT_APPRAISED,
                doit_or_agency,
                EventKind.DOIT_APPRAISED,
            ),
            Action(
                "forward",
                gettext_lazy("Forward to the agency"),
                frozenset({S.DOIT_APPRAISED}),
                S.FORWARDED,
                lambda s, p: (
                    doit_or_agency(s, p)
                    and p.source == FundingSource.KCQG
                    and _doit_recommendation(p) != Recommendation.REJECT
                ),
                EventKind.FORWARDED,
            ),
            Action(
                "reject",
                gettext_lazy("Do not approve"),
                pre_decision,
                S.REJECTED,
                _can_reject,
                EventKind.REJECTED,
                danger=True,
            ),
            Action(
                "sign_contract",
                gettext_lazy("Record the contract"),
                frozenset({S.APPROVED}),
                S.IN_PROGRESS,
                doit_or_agency,
                EventKind.CONTRACT_SIGNED,
            ),
            Action(
                "advance",
                gettext_lazy("Pay an advance"),
                frozenset({S.IN_PROGRESS}),
                None,
                doit_or_agency,
                EventKind.ADVANCE,
            ),
            Action(
                "pay",
                gettext_lazy("Record a payment"),
                frozenset({S.IN_PROGRESS, S.ACCEPTED}),
                None,
                doit_or_agency,
                EventKind.PAYMENT,
            ),
            Action(
                "report_progress",
                gettext_lazy("Report progress"),
                frozenset({S.IN_PROGRESS}),
                None,
                owner_doit_or_agency,
                EventKind.PROGRESS,
            ),
            Action(
                "report_result",
                gettext_lazy("Report results"),
                frozenset({S.IN_PROGRESS, S.ACCEPTED}),
                None,
                owner_doit_or_agency,
                EventKind.RESULT,
            ),
            Action(
                "report_effects",
                gettext_lazy("Record effect figures"),
                frozenset({S.IN_PROGRESS, S.ACCEPTED, S.SETTLED}),
                None,
                lambda s, p: owner_doit_or_agency(s, p) and p.beneficiaries.exists(),
                EventKind.EFFECTS,
            ),
            Action(
                "accept",
                gettext_lazy("Record the acceptance (nghiệm thu)"),
                frozenset({S.IN_PROGRESS}),
                S.ACCEPTED,
                doit_or_agency,
                EventKind.ACCEPTED,
            ),
            Action(
                "settle",
                gettext_lazy("Record the settlement (quyết toán)"),
                frozenset({S.ACCEPTED}),
                S.SETTLED,
                doit_or_agency,
                EventKind.SETTLED,
            ),
            Action(
                "refund",
                gettext_lazy("Record a refund to the budget"),
                frozenset({S.STOPPED, S.SETTLED}),
                None,
                lambda s, p: doit_or_agency(s, p) and ledger.money_of(p).refund_due > 0,
                EventKind.REFUND,
            ),
            Action(
                "norm_exception",
                gettext_lazy("Record an exception to the support norm"),
                frozenset({S.DRAFT, S.RETURNED, S.SUBMITTED, *pre_decision}),
                None,
                lambda s, p: is_agency(s) and p.support_norm_id is not None,
                EventKind.NORM_EXCEPTION,
            ),
        ]
    }


ACTIONS = _actions()


def available_actions(user, project: Project) -> list[Action]:
    scope = get_scope(user)
    actions = [a for a in ACTIONS.values() if a.applies(scope, project)]
    late = deadline_passed(project) is not None
    # before the deadline a proposal is submitted; after it, only accepted late by the DOIT/agency
    return [
        a for a in actions if not (a.name == "submit" and late) and not (a.name == "accept_late" and not late)
    ]


def _lock(user, project: Project, action_name: str) -> tuple[Project, Action, Scope]:
    """Re-read the project under lock and check the action is allowed now (role, scope, status)."""
    action = ACTIONS[action_name]
    scope = get_scope(user)
    from khuyencong.core.permissions import VIEW

    locked = Project.objects.select_for_update().restrict(user, VIEW).filter(pk=project.pk).first()
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
    return ProjectEvent.objects.create(
        project=project,
        on=on,
        kind=action.event,
        user=user,
        from_status=before,
        to_status=project.status,
        note=note,
        document=document,
        amount=amount,
    )


def _move(project: Project, action: Action) -> str:
    before = project.status
    if action.target is not None and action.target != before:
        project.status = action.target
        project.version += 1
        project.save()
    return before


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
