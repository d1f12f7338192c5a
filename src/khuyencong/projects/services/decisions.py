"""Allocation and amendment decisions. Issuing a decision writes the ledger; nothing else does."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.audit import audit_context
from khuyencong.core.formatting import format_money
from khuyencong.core.permissions import CHANGE, get_scope
from khuyencong.projects.models import (
    Decision,
    DecisionKind,
    DecisionLine,
    EventKind,
    FundingSource,
    LedgerKind,
    LineAction,
    Project,
    ProjectEvent,
    Status,
)
from khuyencong.projects.services import ledger
from khuyencong.projects.services.norms import check_norms

APPRAISED: dict[str, set[str]] = {
    FundingSource.KCQG: {Status.AGENCY_APPRAISED},
    FundingSource.KCDP: {Status.DOIT_APPRAISED},
    FundingSource.OTHER: {Status.DOIT_APPRAISED, Status.AGENCY_APPRAISED},
}
RUNNING = {Status.APPROVED, Status.IN_PROGRESS}


def can_decide(user, decision: Decision | None = None, source: str | None = None, province_id=None) -> bool:
    scope = get_scope(user)
    if scope.national_write:
        return True
    province = decision.province_id if decision else province_id
    src = decision.source if decision else source
    return src == FundingSource.KCDP and province is not None and province in scope.current_write


def decision_create(*, user, data: dict) -> Decision:
    decision = Decision(**data)
    if not can_decide(user, source=decision.source, province_id=decision.province_id):
        raise PermissionDenied(_("You cannot record decisions for this funding source or province."))
    if decision.source == FundingSource.KCDP and decision.province_id is None:
        raise ValidationError({"province": [_("A provincial (KCĐP) decision names its province.")]})
    if decision.date and decision.date > timezone.localdate():
        raise ValidationError({"date": [_("This date is in the future.")]})
    with transaction.atomic():
        decision.full_clean()
        decision.save()
    return decision


def _draft(user, decision: Decision) -> Decision:
    decision = Decision.objects.select_for_update().restrict(user, CHANGE).filter(pk=decision.pk).first()
    if decision is None or not can_decide(user, decision):
        raise PermissionDenied(_("You cannot change this decision."))
    if decision.is_issued:
        raise ValidationError(_("An issued decision cannot be changed; record an amendment decision."))
    return decision


def _check_line(decision: Decision, project: Project, action: str, amount: int) -> int:
    """Validate a line; returns the project's approved amount before the decision."""
    errors = []
    if project.plan_year != decision.plan_year or project.source != decision.source:
        errors.append(_("%(code)s belongs to another plan year or funding source.") % {"code": project.code})
    if decision.province_id and project.lead_province_now_id != decision.province_id:
        errors.append(_("%(code)s is not a project of this province.") % {"code": project.code})
    before = ledger.plan_total(project)
    allowed_actions = (
        {LineAction.APPROVE}
        if decision.kind == DecisionKind.ALLOCATION
        else {LineAction.ADD, LineAction.ADJUST, LineAction.STOP}
    )
    if action not in allowed_actions:
        errors.append(
            _("An %(kind)s cannot “%(action)s”.")
            % {"kind": decision.get_kind_display(), "action": LineAction(action).label}
        )
    if action in (LineAction.APPROVE, LineAction.ADD):
        if project.status not in APPRAISED[project.source]:
            errors.append(
                _("%(code)s has not finished appraisal (it is “%(status)s”).")
                % {"code": project.code, "status": project.get_status_display()}
            )
        if amount <= 0:
            errors.append(_("The approved support must be more than 0."))
        requested = ledger.total(project, LedgerKind.REQUESTED)
        if amount > requested:
            errors.append(
                _("%(code)s: %(amount)s is more than the %(requested)s requested.")
                % {"code": project.code, "amount": format_money(amount), "requested": format_money(requested)}
            )
    if action in (LineAction.ADJUST, LineAction.STOP):
        if project.status not in RUNNING:
            errors.append(_("Only approved projects not yet accepted can be adjusted or stopped."))
        paid = ledger.paid_total(project) - ledger.total(project, LedgerKind.REFUNDED)
        if action == LineAction.ADJUST and amount < paid:
            errors.append(
                _("%(code)s: %(paid)s has already been paid; the approved support cannot be lower.")
                % {"code": project.code, "paid": format_money(paid)}
            )
        if action == LineAction.STOP and amount > before:
            errors.append(_("Stopping cannot increase the approved support."))
    if action in (LineAction.APPROVE, LineAction.ADD, LineAction.ADJUST):
        for breach in check_norms(project, decision.date, state_support=amount):
            if not breach.excepted:
                errors.append(breach.message)
    if errors:
        raise ValidationError({"amount": errors})
    return before


def decision_set_line(
    *, user, decision: Decision, project: Project, action: str, amount: int, reason: str = ""
) -> DecisionLine:
    with transaction.atomic():
        decision = _draft(user, decision)
        if action == LineAction.STOP and not reason.strip():
            raise ValidationError({"reason": [_("Say why the project is stopped.")]})
        before = _check_line(decision, project, action, amount)
        line = DecisionLine.objects.filter(decision=decision, project=project).first() or DecisionLine(
            decision=decision, project=project
        )
        line.action, line.amount, line.reason, line.previous_amount = action, amount, reason, before
        line.save()
    return line


def decision_remove_line(*, user, line: DecisionLine) -> None:
    with transaction.atomic():
        _draft(user, line.decision)
        line.delete()


def decision_issue(*, user, decision: Decision) -> Decision:
    """Sign off the decision: every line is checked again, the ledger records each project's change
    dated on the decision, statuses follow (approved, stopped), and the decision is locked."""
    with (
        transaction.atomic(),
        audit_context(user=user, reason=_("decision %(number)s") % {"number": decision.number}),
    ):
        decision = _draft(user, decision)
        lines = list(decision.lines.select_related("project"))
        if not lines:
            raise ValidationError(_("The decision has no projects."))
        for line in lines:
            project = Project.objects.select_for_update().get(pk=line.project_id)
            before = _check_line(decision, project, line.action, line.amount)
            line.previous_amount = before
            line.save()
            status_before = project.status
            if line.action in (LineAction.APPROVE, LineAction.ADD):
                kind = LedgerKind.ALLOCATED if line.action == LineAction.APPROVE else LedgerKind.AMENDED
                ledger.record(
                    project,
                    kind,
                    line.amount - before,
                    decision.date,
                    decision=decision,
                    reference=decision.number,
                )
                project.status = Status.APPROVED
                event = EventKind.APPROVED
            else:
                ledger.record(
                    project,
                    LedgerKind.AMENDED,
                    line.amount - before,
                    decision.date,
                    decision=decision,
                    reference=decision.number,
                    note=line.reason,
                )
                event = EventKind.AMENDED
                if line.action == LineAction.STOP:
                    project.status = Status.STOPPED
                    event = EventKind.STOPPED
            project.version += 1
            project.save()
            ProjectEvent.objects.create(
                project=project,
                kind=event,
                user=user,
                from_status=status_before,
                to_status=project.status,
                document=str(decision),
                amount=line.amount,
                note=line.reason,
                on=decision.date,
            )
        decision.issued_at = timezone.now()
        decision.issued_by = user
        decision.save()
    return decision
