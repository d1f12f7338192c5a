"""The project's actions: one table that the pages, the API, the menus and imports read.

Each entry names the states it starts from and leads to, who may take it, the form of its fields,
the service that performs it (``khuyencong.projects.services…``) and the form's defaults. The
services check the same entry again under lock (``transitions._lock``), so the rule is written
once. Adding an action is adding an entry here and its service; no page or endpoint changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.actions import Action, Registry
from khuyencong.core.parsing import parse_id
from khuyencong.core.permissions import Scope
from khuyencong.projects import forms as pforms
from khuyencong.projects.models import EventKind, FundingSource, Project, Recommendation, Status
from khuyencong.projects.services import ledger
from khuyencong.projects.services.proposals import deadline_passed
from khuyencong.projects.services.roles import doit_or_agency, is_agency, is_doit, owner_doit_or_agency

S = Status
TRANSITIONS = "khuyencong.projects.services.transitions"
IMPLEMENTATION = "khuyencong.projects.services.implementation"

PROJECT_ACTIONS = Registry("project", state="status")


# --- who may --------------------------------------------------------------------------------------


def doit_recommendation(project: Project) -> str | None:
    appraisal = getattr(project, "provincial_appraisal", None)
    return appraisal.recommendation if appraisal else None


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
        and (project.source == FundingSource.KCDP or doit_recommendation(project) == Recommendation.REJECT)
    )


def _can_forward(scope: Scope, project: Project) -> bool:
    return (
        doit_or_agency(scope, project)
        and project.source == FundingSource.KCQG
        and doit_recommendation(project) != Recommendation.REJECT
    )


def _has_beneficiaries(scope: Scope, project: Project) -> bool:
    return owner_doit_or_agency(scope, project) and project.beneficiaries.exists()


def _refund_due(scope: Scope, project: Project) -> bool:
    return doit_or_agency(scope, project) and ledger.money_of(project).refund_due > 0


def _agency_with_norm(scope: Scope, project: Project) -> bool:
    return is_agency(scope) and project.support_norm_id is not None


# Before the deadline a proposal is submitted; after it, only accepted late by the DOIT or agency.
# The services check the deadline themselves (with the deadline in their message).
def _before_deadline(scope: Scope, project: Project) -> bool:
    return deadline_passed(project) is None


def _after_deadline(scope: Scope, project: Project) -> bool:
    return deadline_passed(project) is not None


# --- the forms' defaults ------------------------------------------------------------------------


def _today(*fields: str):
    def initial(project: Project, params: Mapping[str, str]) -> dict[str, Any]:
        return dict.fromkeys(fields, timezone.localdate())

    return initial


def _appraisal_initial(project: Project, params: Mapping[str, str]) -> dict[str, Any]:
    return {
        "appraised_on": timezone.localdate(),
        "recommended_amount": ledger.money_of(project).requested,
        "body": _("Appraisal council of the Department of Industry and Trade"),
    }


def _contract_initial(project: Project, params: Mapping[str, str]) -> dict[str, Any]:
    return {"signed_on": timezone.localdate(), "value": ledger.money_of(project).plan}


def _payment_initial(project: Project, params: Mapping[str, str]) -> dict[str, Any]:
    return {"paid_on": timezone.localdate(), "amount": ledger.money_of(project).still_to_pay or None}


def _acceptance_initial(project: Project, params: Mapping[str, str]) -> dict[str, Any]:
    return {"accepted_on": timezone.localdate(), "result": "passed"}


def _settlement_initial(project: Project, params: Mapping[str, str]) -> dict[str, Any]:
    return {"settled_on": timezone.localdate(), "amount": ledger.money_of(project).net_paid}


def _refund_initial(project: Project, params: Mapping[str, str]) -> dict[str, Any]:
    return {"refunded_on": timezone.localdate(), "amount": ledger.money_of(project).refund_due}


def _effects_initial(project: Project, params: Mapping[str, str]) -> dict[str, Any]:
    """The chosen beneficiary (``?beneficiary=``, else the first) with its figures so far."""
    from khuyencong.projects.services.implementation import EFFECT_FIELDS  # it imports this table

    chosen = parse_id(params.get("beneficiary"))
    rows = project.beneficiaries.all()
    row = rows.filter(pk=chosen).first() if chosen else None
    row = row or rows.first()
    if row is None:
        return {}
    return {"beneficiary": row.pk, **{name: getattr(row, name) for name in EFFECT_FIELDS}}


# --- the table ----------------------------------------------------------------------------------------

PRE_DECISION = frozenset({S.DOIT_APPRAISED, S.FORWARDED, S.UNDER_REVIEW, S.AGENCY_APPRAISED})

for _action in [
    Action(
        "submit",
        gettext_lazy("Submit to the DOIT"),
        sources=frozenset({S.DRAFT, S.RETURNED}),
        target=S.SUBMITTED,
        allowed=owner_doit_or_agency,
        offered=_before_deadline,
        event=EventKind.SUBMITTED,
        form=pforms.ConfirmForm,
        service=f"{TRANSITIONS}.project_submit",
    ),
    Action(
        "accept_late",
        gettext_lazy("Accept after the deadline"),
        sources=frozenset({S.DRAFT, S.RETURNED}),
        target=S.SUBMITTED,
        allowed=doit_or_agency,
        offered=_after_deadline,
        event=EventKind.LATE_ACCEPTED,
        form=pforms.ReasonForm,
        service=f"{TRANSITIONS}.project_accept_late",
    ),
    Action(
        "withdraw",
        gettext_lazy("Withdraw"),
        sources=frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}),
        target=S.WITHDRAWN,
        allowed=owner_doit_or_agency,
        event=EventKind.WITHDRAWN,
        danger=True,
        form=pforms.ReasonForm,
        service=f"{TRANSITIONS}.project_withdraw",
    ),
    Action(
        "return",
        gettext_lazy("Return for completion"),
        sources=frozenset({S.SUBMITTED, S.DOIT_APPRAISED, S.FORWARDED, S.UNDER_REVIEW}),
        target=S.RETURNED,
        allowed=_can_return,
        event=EventKind.RETURNED,
        form=pforms.ReasonForm,
        service=f"{TRANSITIONS}.project_return",
    ),
    Action(
        "doit_appraise",
        gettext_lazy("Record the DOIT appraisal"),
        sources=frozenset({S.SUBMITTED}),
        target=S.DOIT_APPRAISED,
        allowed=doit_or_agency,
        event=EventKind.DOIT_APPRAISED,
        form=pforms.DoitAppraisalForm,
        service=f"{TRANSITIONS}.project_doit_appraise",
        initial=_appraisal_initial,
    ),
    Action(
        "forward",
        gettext_lazy("Forward to the agency"),
        sources=frozenset({S.DOIT_APPRAISED}),
        target=S.FORWARDED,
        allowed=_can_forward,
        event=EventKind.FORWARDED,
        form=pforms.ConfirmForm,
        service=f"{TRANSITIONS}.project_forward",
    ),
    Action(
        "reject",
        gettext_lazy("Do not approve"),
        sources=PRE_DECISION,
        target=S.REJECTED,
        allowed=_can_reject,
        event=EventKind.REJECTED,
        danger=True,
        form=pforms.ReasonForm,
        service=f"{TRANSITIONS}.project_reject",
    ),
    Action(
        "sign_contract",
        gettext_lazy("Record the contract"),
        sources=frozenset({S.APPROVED}),
        target=S.IN_PROGRESS,
        allowed=doit_or_agency,
        event=EventKind.CONTRACT_SIGNED,
        form=pforms.ContractForm,
        service=f"{IMPLEMENTATION}.sign_contract",
        initial=_contract_initial,
    ),
    Action(
        "advance",
        gettext_lazy("Pay an advance"),
        sources=frozenset({S.IN_PROGRESS}),
        allowed=doit_or_agency,
        event=EventKind.ADVANCE,
        form=pforms.PaymentForm,
        service=f"{IMPLEMENTATION}.pay_advance",
        initial=_today("paid_on"),
    ),
    Action(
        "pay",
        gettext_lazy("Record a payment"),
        sources=frozenset({S.IN_PROGRESS, S.ACCEPTED}),
        allowed=doit_or_agency,
        event=EventKind.PAYMENT,
        form=pforms.PaymentForm,
        service=f"{IMPLEMENTATION}.record_payment",
        initial=_payment_initial,
    ),
    Action(
        "report_progress",
        gettext_lazy("Report progress"),
        sources=frozenset({S.IN_PROGRESS}),
        allowed=owner_doit_or_agency,
        event=EventKind.PROGRESS,
        form=pforms.ProgressForm,
        service=f"{IMPLEMENTATION}.report_progress",
        initial=_today("month"),
        files=("photos",),
    ),
    Action(
        "report_result",
        gettext_lazy("Report results"),
        sources=frozenset({S.IN_PROGRESS, S.ACCEPTED}),
        allowed=owner_doit_or_agency,
        event=EventKind.RESULT,
        form=pforms.ResultReportForm,
        service=f"{IMPLEMENTATION}.report_result",
        initial=_today("period_end"),
    ),
    Action(
        "report_effects",
        gettext_lazy("Record effect figures"),
        sources=frozenset({S.IN_PROGRESS, S.ACCEPTED, S.SETTLED}),
        allowed=_has_beneficiaries,
        event=EventKind.EFFECTS,
        form=pforms.EffectsForm,
        service=f"{IMPLEMENTATION}.report_effects",
        initial=_effects_initial,
    ),
    Action(
        "accept",
        gettext_lazy("Record the acceptance (nghiệm thu)"),
        sources=frozenset({S.IN_PROGRESS}),
        target=S.ACCEPTED,
        allowed=doit_or_agency,
        event=EventKind.ACCEPTED,
        form=pforms.AcceptanceForm,
        service=f"{IMPLEMENTATION}.accept",
        initial=_acceptance_initial,
    ),
    Action(
        "settle",
        gettext_lazy("Record the settlement (quyết toán)"),
        sources=frozenset({S.ACCEPTED}),
        target=S.SETTLED,
        allowed=doit_or_agency,
        event=EventKind.SETTLED,
        form=pforms.SettlementForm,
        service=f"{IMPLEMENTATION}.settle",
        initial=_settlement_initial,
    ),
    Action(
        "refund",
        gettext_lazy("Record a refund to the budget"),
        sources=frozenset({S.STOPPED, S.SETTLED}),
        allowed=_refund_due,
        event=EventKind.REFUND,
        form=pforms.RefundForm,
        service=f"{IMPLEMENTATION}.record_refund",
        initial=_refund_initial,
    ),
    Action(
        "norm_exception",
        gettext_lazy("Record an exception to the support norm"),
        sources=frozenset({S.DRAFT, S.RETURNED, S.SUBMITTED, *PRE_DECISION}),
        allowed=_agency_with_norm,
        event=EventKind.NORM_EXCEPTION,
        form=pforms.ReasonForm,
        service=f"{TRANSITIONS}.record_norm_exception",
    ),
]:
    PROJECT_ACTIONS.register(_action)
