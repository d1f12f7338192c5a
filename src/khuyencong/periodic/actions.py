"""The periodic report's actions: one table that the pages and the API read (``core.actions``).

Submit (an officer of the report's province), return with a reason, accept, approve (locks) and
unlock with a reason (the agency). The services (``periodic.services``) check the same entry again
under lock.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from khuyencong.core.actions import Action, Registry
from khuyencong.core.permissions import Scope
from khuyencong.periodic import forms as pforms
from khuyencong.periodic.models import PeriodicReport, State

SERVICES = "khuyencong.periodic.services"

REPORT_ACTIONS = Registry("report", state="state")


def is_agency(scope: Scope, report: PeriodicReport | None = None) -> bool:
    return scope.national_write


def is_province_officer(scope: Scope, report: PeriodicReport) -> bool:
    """An officer of the report's province (its province as it was, or the one that absorbed it)."""
    return report.province_id in scope.province_write and not scope.national_write


for _action in [
    Action(
        "submit",
        gettext_lazy("Submit to the agency"),
        sources=frozenset({State.DRAFT, State.RETURNED}),
        target=State.SUBMITTED,
        allowed=is_province_officer,
        form=pforms.NoFieldsForm,
        service=f"{SERVICES}.report_submit",
        event="submit",
    ),
    Action(
        "return",
        gettext_lazy("Return with a reason"),
        sources=frozenset({State.SUBMITTED, State.ACCEPTED}),
        target=State.RETURNED,
        allowed=is_agency,
        form=pforms.ReasonForm,
        service=f"{SERVICES}.report_return",
        event="return",
        danger=True,
    ),
    Action(
        "accept",
        gettext_lazy("Accept"),
        sources=frozenset({State.SUBMITTED}),
        target=State.ACCEPTED,
        allowed=is_agency,
        form=pforms.NoFieldsForm,
        service=f"{SERVICES}.report_accept",
        event="accept",
    ),
    Action(
        "approve",
        gettext_lazy("Approve and lock"),
        sources=frozenset({State.ACCEPTED}),
        target=State.APPROVED,
        allowed=is_agency,
        form=pforms.NoFieldsForm,
        service=f"{SERVICES}.report_approve",
        event="approve",
    ),
    Action(
        "unlock",
        gettext_lazy("Unlock"),
        sources=frozenset({State.APPROVED}),
        target=State.ACCEPTED,
        allowed=is_agency,
        form=pforms.ReasonForm,
        service=f"{SERVICES}.report_unlock",
        event="unlock",
        danger=True,
    ),
]:
    REPORT_ACTIONS.register(_action)

ACTION_LABELS = {a.name: a.label for a in REPORT_ACTIONS}
ACTION_LABELS["open"] = gettext_lazy("Opened")
