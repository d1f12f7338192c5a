"""Allocation and amendment decisions. Issuing a decision writes the ledger; nothing else does."""

from __future__ import annotations

from collections.abc import Callable

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
    Status,
)
from khuyencong.projects.services import batch, ledger
from khuyencong.projects.services.batch import record_event
from khuyencong.projects.services.norms import check_norms
from khuyencong.projects.services.transitions import locked_project, move_to

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
    return decision_set_lines(user=user, decision=decision, items=[(project, action, amount, reason)])[0]


def decision_set_lines(
    *,
    user,
    decision: Decision,
    items: list[tuple[Project, str, int, str]],
    refused: Callable[[int, ValidationError], None] | None = None,
) -> list[DecisionLine]:
    """Set the decision's line of each project – ``(project, action, amount, reason)`` – checked one
    by one (:func:`_check_line`) and written together. Without ``refused`` the first refusal raises
    and nothing is written; with it, each refused item is reported (its index in ``items``, the
    error) and the others are written."""
    with batch.atomic():
        decision = _draft(user, decision)
        existing = {
            line.project_id: line
            for line in DecisionLine.objects.filter(decision=decision, project__in=[p.pk for p, *_r in items])
        }
        new, changed, done = [], [], set()
        for index, (project, action, amount, reason) in enumerate(items):
            try:
                if action == LineAction.STOP and not reason.strip():
                    raise ValidationError({"reason": [_("Say why the project is stopped.")]})
                before = _check_line(decision, project, action, amount)
            except ValidationError as error:
                if refused is None:
                    raise
                refused(index, error)
                continue
            line = existing.get(project.pk)
            if line is None:
                line = existing[project.pk] = DecisionLine(decision=decision, project=project)
                new.append(line)
            elif line not in changed:
                changed.append(line)
            line.action, line.amount, line.reason, line.previous_amount = action, amount, reason, before
            done.add(project.pk)
        DecisionLine.objects.bulk_create(new)
        DecisionLine.objects.bulk_update(changed, ["action", "amount", "reason", "previous_amount"])
    return [existing[p.pk] for p, *_r in items if p.pk in done]  # the lines set (not those refused)


def decision_remove_line(*, user, line: DecisionLine) -> None:
    with transaction.atomic():
        _draft(user, line.decision)
        line.delete()


def decision_issue(*, user, decision: Decision) -> Decision:
    """Sign off the decision: every line is checked again, the ledger records each project's change
    dated on the decision, statuses follow (approved, stopped), and the decision is locked."""
    with (
        batch.atomic(),
        audit_context(user=user, reason=_("decision %(number)s") % {"number": decision.number}),
    ):
        decision = _draft(user, decision)
        lines = list(decision.lines.select_related("project"))
        if not lines:
            raise ValidationError(_("The decision has no projects."))
        unit = batch.current()
        if unit is not None:
            unit.load(line.project_id for line in lines)
        for line in lines:
            project = locked_project(user, line.project_id) or Project.objects.select_for_update().get(
                pk=line.project_id
            )
            before = _check_line(decision, project, line.action, line.amount)
            line.previous_amount = before
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
                status: str = Status.APPROVED
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
                status = project.status
                event = EventKind.AMENDED
                if line.action == LineAction.STOP:
                    status = Status.STOPPED
                    event = EventKind.STOPPED
            move_to(project, status)
            if status == status_before:  # an amendment: the project's version moves on all the same
                project.version += 1
                if unit is not None and unit.knows(project):
                    unit.moved(project)
                else:
                    project.save()
            record_event(
                project,
                kind=event,
                user=user,
                from_status=status_before,
                to_status=project.status,
                document=str(decision),
                amount=line.amount,
                note=line.reason,
                on=decision.date,
            )
        DecisionLine.objects.bulk_update(lines, ["previous_amount"])
        decision.issued_at = timezone.now()
        decision.issued_by = user
        decision.save()
    return decision
