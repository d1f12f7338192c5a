"""Carrying out an approved project: contract, advances, payments, progress, results, acceptance,
settlement and refunds. Money never goes above the approved support without an amendment."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.audit import audit_context
from khuyencong.core.formatting import format_money, format_number
from khuyencong.core.unitmemo import remembered
from khuyencong.projects.models import (
    Acceptance,
    AdvanceRule,
    Contract,
    LedgerKind,
    ProgressReport,
    Project,
    ProjectBeneficiary,
    ResultReport,
    Settlement,
    Status,
)
from khuyencong.projects.services import batch, ledger
from khuyencong.projects.services.batch import save_new
from khuyencong.projects.services.roles import doit_or_agency
from khuyencong.projects.services.transitions import _event, _lock, _move


def _not_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: [_("This date is in the future.")]})


def _positive(amount: int, field: str = "amount") -> None:
    if amount is None or amount <= 0:
        raise ValidationError({field: [_("The amount must be more than 0.")]})


def _within_plan(project: Project, amount: int) -> None:
    money = ledger.money_of(project)
    if money.net_paid + amount > money.plan:
        raise ValidationError(
            {
                "amount": [
                    _(
                        "Payments would reach %(total)s, above the approved support of %(plan)s. An "
                        "amendment decision is "
                        "needed first."
                    )
                    % {"total": format_money(money.net_paid + amount), "plan": format_money(money.plan)}
                ]
            }
        )


def sign_contract(
    *, user, project: Project, number: str, signed_on: datetime.date, parties: str, value: int, note: str = ""
) -> Contract:
    with batch.atomic(), audit_context(user=user, reason=_("contract %(n)s") % {"n": number}):
        project, action, _scope = _lock(user, project, "sign_contract")
        _not_future(signed_on, "signed_on")
        plan = ledger.plan_total(project)
        if value > plan:
            raise ValidationError(
                {
                    "value": [
                        _("The contract (%(value)s) exceeds the approved support (%(plan)s).")
                        % {"value": format_money(value), "plan": format_money(plan)}
                    ]
                }
            )
        contract = Contract(
            project=project, number=number, signed_on=signed_on, parties=parties, value=value, note=note
        )
        batch.clean(contract)
        save_new(contract)
        before = _move(project, action)
        _event(project, user, action, before, document=number, amount=value, on=signed_on)
    return contract


def latest_progress(project: Project) -> int:
    report = project.progress_reports.order_by("-month", "-id").first()
    return report.percent_done if report else 0


def advance_rule(content, on: datetime.date) -> AdvanceRule | None:
    """The advance rule of the content on that day."""
    return remembered(
        ("advance_rule", content.pk, on),
        lambda: (
            AdvanceRule.objects.valid_on(on).filter(content=content).select_related("legal_basis").first()
        ),
    )


def pay_advance(
    *, user, project: Project, paid_on: datetime.date, amount: int, reference: str, note: str = ""
) -> None:
    """An advance, within the rule for the project's content (share of the contract, and for some
    contents only after part of the work is done). ``note``: kept with the entry and the timeline."""
    with batch.atomic(), audit_context(user=user, reason=_("advance %(ref)s") % {"ref": reference}):
        project, action, _scope = _lock(user, project, "advance")
        _not_future(paid_on, "paid_on")
        _positive(amount)
        contract = getattr(project, "contract", None)
        if contract is None:
            raise ValidationError(_("Record the contract before paying an advance."))
        rule = advance_rule(project.content, paid_on)
        if rule is None:
            raise ValidationError(
                {
                    "amount": [
                        _(
                            "No advance rule applies to “%(content)s”; an administrator must add one "
                            "before advances."
                        )
                        % {"content": project.content.short_shown}
                    ]
                }
            )
        limit = int(Decimal(contract.value) * rule.max_percent / 100)
        advanced = ledger.total(project, LedgerKind.ADVANCED)
        if advanced + amount > limit:
            raise ValidationError(
                {
                    "amount": [
                        _(
                            "Advances would reach %(total)s; at most %(percent)s%% of the contract "
                            "(%(limit)s) may be advanced "
                            "(%(basis)s)."
                        )
                        % {
                            "total": format_money(advanced + amount),
                            "percent": format_number(
                                rule.max_percent,
                                0 if rule.max_percent == rule.max_percent.to_integral() else 2,
                            ),
                            "limit": format_money(limit),
                            "basis": rule.legal_basis,
                        }
                    ]
                }
            )
        if rule.min_progress and latest_progress(project) < rule.min_progress:
            raise ValidationError(
                {
                    "amount": [
                        _(
                            "An advance for this content needs more than %(min)s%% of the work done; the "
                            "last progress "
                            "report says %(done)s%%."
                        )
                        % {"min": rule.min_progress, "done": latest_progress(project)}
                    ]
                }
            )
        _within_plan(project, amount)
        ledger.record(project, LedgerKind.ADVANCED, amount, paid_on, reference=reference, note=note)
        _event(
            project, user, action, project.status, note=note, document=reference, amount=amount, on=paid_on
        )


def record_payment(
    *, user, project: Project, paid_on: datetime.date, amount: int, reference: str, note: str = ""
) -> None:
    with batch.atomic(), audit_context(user=user, reason=_("payment %(ref)s") % {"ref": reference}):
        project, action, _scope = _lock(user, project, "pay")
        _not_future(paid_on, "paid_on")
        _positive(amount)
        _within_plan(project, amount)
        ledger.record(project, LedgerKind.DISBURSED, amount, paid_on, reference=reference, note=note)
        _event(
            project, user, action, project.status, note=note, document=reference, amount=amount, on=paid_on
        )


def report_progress(
    *,
    user,
    project: Project,
    month: datetime.date,
    percent_done: int,
    narrative: str,
    problems: str = "",
    photos=(),
) -> ProgressReport:
    from khuyencong.projects.services.attachments import attach

    with transaction.atomic(), audit_context(user=user, reason=_("progress report")):
        project, action, _scope = _lock(user, project, "report_progress")
        _not_future(month, "month")
        last = latest_progress(project)
        if percent_done < last:
            raise ValidationError(
                {
                    "percent_done": [
                        _("The work done cannot go down (the last report said %(last)s%%).") % {"last": last}
                    ]
                }
            )
        report = ProgressReport(
            project=project, month=month, percent_done=percent_done, narrative=narrative, problems=problems
        )
        report.full_clean()
        report.save()
        for photo in photos:
            attach(
                user=user,
                project=project,
                kind="photo",
                upload=photo,
                description=_("Site photo"),
                progress_report=report,
                images_only=True,
            )
        _event(project, user, action, project.status, note=narrative[:500], on=month)
    return report


def report_result(
    *, user, project: Project, indicator, value, period_end: datetime.date, note: str = ""
) -> ResultReport:
    """A reported value; reported by the DOIT or the agency it counts at once, from the implementing
    unit it waits for their approval."""

    with transaction.atomic(), audit_context(user=user, reason=_("results reported")):
        project, action, scope = _lock(user, project, "report_result")
        _not_future(period_end, "period_end")
        if indicator.content_id != project.content_id:
            raise ValidationError({"indicator": [_("This indicator is not one of the project's content.")]})
        approver = doit_or_agency(scope, project)
        report = ResultReport(
            project=project,
            indicator=indicator,
            value=value,
            period_end=period_end,
            note=note,
            state="approved" if approver else "submitted",
            reviewed_by=user if approver else None,
        )
        report.full_clean()
        report.save()
        _event(
            project,
            user,
            action,
            project.status,
            note=f"{indicator.name}: {value} {indicator.unit}",
            on=period_end,
        )
    return report


def review_result(*, user, report: ResultReport, approve: bool) -> ResultReport:
    """The DOIT or the agency approves (it counts from then on) or rejects a value reported by the
    implementing unit; each report is reviewed once."""
    from khuyencong.core.permissions import VIEW, get_scope

    reason = _("results approved") if approve else _("results rejected")
    with transaction.atomic(), audit_context(user=user, reason=reason):
        report = ResultReport.objects.select_for_update().get(pk=report.pk)
        if not Project.objects.restrict(user, VIEW).filter(pk=report.project_id).exists():
            raise PermissionDenied(_("This project is outside your scope."))
        if not doit_or_agency(get_scope(user), report.project):
            raise PermissionDenied(_("Only the DOIT or the agency approves reported results."))
        if report.state != "submitted":
            raise ValidationError(_("This report was already reviewed."))
        report.state = "approved" if approve else "rejected"
        report.reviewed_by = user
        report.save()
    return report


EFFECT_FIELDS = (
    "revenue_before",
    "revenue_after",
    "production_before",
    "production_after",
    "jobs_before",
    "jobs_after",
)


def _effect_summary(row: ProjectBeneficiary) -> str:
    def pair(before, after, money=True):
        show = format_money if money else format_number
        return f"{show(before)} → {show(after)}"

    parts = []
    if row.revenue_before is not None or row.revenue_after is not None:
        parts.append(_("revenue %(pair)s") % {"pair": pair(row.revenue_before, row.revenue_after)})
    if row.production_before is not None or row.production_after is not None:
        parts.append(
            _("production value %(pair)s") % {"pair": pair(row.production_before, row.production_after)}
        )
    if row.jobs_before is not None or row.jobs_after is not None:
        parts.append(_("jobs %(pair)s") % {"pair": pair(row.jobs_before, row.jobs_after, money=False)})
    return f"{row.establishment.name}: {'; '.join(parts)}"


def report_effects(
    *, user, project: Project, beneficiary: ProjectBeneficiary, **figures
) -> ProjectBeneficiary:
    """The effect of the support on one beneficiary: revenue, production value and jobs in the year
    before and after. The figures given replace the earlier ones (blank = not known)."""
    unknown = set(figures) - set(EFFECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown effect figures: {sorted(unknown)}")
    with transaction.atomic(), audit_context(user=user, reason=_("effect figures")):
        project, action, _scope = _lock(user, project, "report_effects")
        row = (
            ProjectBeneficiary.objects.select_for_update()
            .select_related("establishment")
            .filter(project=project, pk=getattr(beneficiary, "pk", beneficiary))
            .first()
        )
        if row is None:
            raise ValidationError(
                {"beneficiary": [_("This establishment is not a beneficiary of the project.")]}
            )
        if all(figures.get(name) is None for name in EFFECT_FIELDS):
            raise ValidationError(_("Enter at least one figure."))
        for name in EFFECT_FIELDS:
            value = figures.get(name)
            if value is not None and value < 0:
                raise ValidationError({name: [_("The figure cannot be negative.")]})
            setattr(row, name, value)
        row.full_clean()
        row.save()
        _event(project, user, action, project.status, note=_effect_summary(row)[:500])
    return row


def accept(
    *, user, project: Project, accepted_on: datetime.date, minutes_number: str, result: str, note: str = ""
) -> Acceptance:
    with batch.atomic(), audit_context(user=user, reason=_("acceptance %(n)s") % {"n": minutes_number}):
        project, action, _scope = _lock(user, project, "accept")
        _not_future(accepted_on, "accepted_on")
        acceptance = getattr(project, "acceptance", None) or Acceptance(project=project)
        acceptance.accepted_on, acceptance.minutes_number = accepted_on, minutes_number
        acceptance.result, acceptance.note = result, note
        batch.clean(acceptance)
        save_new(acceptance)
        if result == "passed":
            before = _move(project, action)
            _event(project, user, action, before, document=minutes_number, note=note, on=accepted_on)
        else:
            _event(
                project,
                user,
                action,
                project.status,
                document=minutes_number,
                note=_("Not accepted: %(note)s") % {"note": note},
                on=accepted_on,
            )
    return acceptance


def settle(
    *,
    user,
    project: Project,
    settled_on: datetime.date,
    document: str,
    amount: int,
    counterpart_actual: int | None = None,
    note: str = "",
) -> Settlement:
    """Quyết toán: the support finally recognised (at most the approved support); whatever was paid
    beyond it is due back to the budget."""
    with batch.atomic(), audit_context(user=user, reason=_("settlement %(d)s") % {"d": document}):
        project, action, _scope = _lock(user, project, "settle")
        _not_future(settled_on, "settled_on")
        plan = ledger.plan_total(project)
        if amount < 0 or amount > plan:
            raise ValidationError(
                {
                    "amount": [
                        _("The settled amount must be between 0 and the approved %(plan)s.")
                        % {"plan": format_money(plan)}
                    ]
                }
            )
        settlement = Settlement(
            project=project, settled_on=settled_on, document=document, amount=amount, note=note
        )
        batch.clean(settlement)
        save_new(settlement)
        ledger.set_level(project, LedgerKind.SETTLED, amount, settled_on, reference=document)
        if counterpart_actual is not None:
            if counterpart_actual < 0:
                raise ValidationError({"counterpart_actual": [_("The amount cannot be negative.")]})
            ledger.set_level(
                project, LedgerKind.COUNTERPART_ACTUAL, counterpart_actual, settled_on, reference=document
            )
        before = _move(project, action)
        _event(project, user, action, before, document=document, amount=amount, note=note, on=settled_on)
    return settlement


def record_refund(
    *, user, project: Project, refunded_on: datetime.date, amount: int, reference: str, note: str = ""
) -> None:
    with batch.atomic(), audit_context(user=user, reason=_("refund %(ref)s") % {"ref": reference}):
        project, action, _scope = _lock(user, project, "refund")
        _not_future(refunded_on, "refunded_on")
        _positive(amount)
        due = ledger.money_of(project).refund_due
        if amount > due:
            raise ValidationError(
                {"amount": [_("Only %(due)s is due back to the budget.") % {"due": format_money(due)}]}
            )
        ledger.record(project, LedgerKind.REFUNDED, amount, refunded_on, reference=reference, note=note)
        _event(
            project,
            user,
            action,
            project.status,
            note=note,
            document=reference,
            amount=amount,
            on=refunded_on,
        )


__all__ = [
    "Status",
    "accept",
    "latest_progress",
    "pay_advance",
    "record_payment",
    "record_refund",
    "report_effects",
    "report_progress",
    "report_result",
    "review_result",
    "settle",
    "sign_contract",
]
