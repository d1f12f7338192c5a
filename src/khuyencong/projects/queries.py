"""Reads over projects: named sets, each project's money in a list, flags, support history.

Sums over many projects (the consolidation, the plan on a date, execution, the home page's money)
are the reporting engine's (``reporting.engine``); here only each project's own money is read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils import timezone

from khuyencong.core.permissions import VIEW, Scope
from khuyencong.projects.models import (
    PLAN_KINDS,
    BudgetLine,
    Decision,
    DecisionLine,
    LedgerKind,
    ProgressReport,
    Project,
    ProjectBeneficiary,
    ProjectEvent,
    Status,
)

# --- named sets of projects: one definition for the home page's cards, the list's filter and the API --

RUNNING = (Status.APPROVED, Status.IN_PROGRESS)
# Filed and not yet decided: at the DOIT, at the agency, with the experts or the council.
IN_APPRAISAL = (
    Status.SUBMITTED,
    Status.DOIT_APPRAISED,
    Status.FORWARDED,
    Status.UNDER_REVIEW,
    Status.AGENCY_APPRAISED,
)


def project_set(name: str, today: datetime.date | None = None) -> Q:
    """The condition of a named set of projects (the ``flag`` filter of the list)."""
    if name == "running":
        return Q(status__in=RUNNING)
    if name == "overdue":
        return Q(status__in=RUNNING, end_date__lt=today or timezone.localdate())
    if name == "in_appraisal":
        return Q(status__in=IN_APPRAISAL)
    raise ValueError(name)


def dashboard_sets(plan_year: int) -> dict[str, Q]:
    """The home page's project sets, each the filter of the list its card links to: ``running`` (of
    ``plan_year``: ``?plan_year=…&flag=running``) and ``in_appraisal`` (every year:
    ``?flag=in_appraisal``). Cards and lists count them alike (:mod:`khuyencong.core.counting`)."""
    return {
        "running": Q(plan_year=plan_year) & project_set("running"),
        "in_appraisal": project_set("in_appraisal"),
    }


def pending_reviews(scope: Scope):
    """The score sheets waiting for the expert: their assignments not submitted and not recused, on
    proposals still under review (what :func:`services.appraisal.save_review` accepts)."""
    from khuyencong.projects.models import ExpertAssignment

    if not scope.user_id:
        return ExpertAssignment.objects.none()
    return ExpertAssignment.objects.filter(
        expert_id=scope.user_id,
        submitted_at__isnull=True,
        conflict_declared=False,
        project__status=Status.UNDER_REVIEW,
    )


# --- money of each project in a list (page, export, API) ---------------------------------------------


def with_money(queryset):
    """Each project's requested, approved and settled support, as correlated sums (the cost is per
    row shown, whatever the size of the ledger). What was filed: a draft's request is empty here
    (“–”, nothing submitted yet); its page shows what its budget lines ask for (:func:`draft_request`)."""
    from khuyencong.projects.services.ledger import project_sum

    return queryset.annotate(
        m_requested=project_sum(LedgerKind.REQUESTED),
        m_plan=project_sum(*PLAN_KINDS),
        m_settled=project_sum(LedgerKind.SETTLED),
    )


def draft_request(project: Project) -> tuple[int, int]:
    """What a proposal not filed yet asks for: its budget lines' state support and counterpart funds
    (filing writes these sums to the ledger)."""
    sums = BudgetLine.objects.filter(project=project).aggregate(
        state=Sum("state_support"), counterpart=Sum("counterpart")
    )
    return sums["state"] or 0, sums["counterpart"] or 0


def money_shown(project: Project):
    """The project's money as its pages show it: the ledger's (:func:`money_of`), except that a draft,
    which has filed nothing yet, shows what its budget lines request – not “0 đồng”."""
    import dataclasses

    from khuyencong.projects.services.ledger import money_of

    money = money_of(project)
    if project.status == Status.DRAFT:
        requested, counterpart = draft_request(project)
        money = dataclasses.replace(money, requested=requested, counterpart_requested=counterpart)
    return money


@dataclass
class DecisionLinesInScope:
    """The lines of a decision that a viewer may read, and how many others it has.

    Totals are sums of the lines shown: a provincial officer, an expert or an implementing unit
    reading a national decision learns neither the projects nor the amounts of the others, only
    that there are ``hidden`` more. National readers see every project, hence every line and the
    decision's full total."""

    lines: list[DecisionLine]
    hidden: int

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def change(self) -> int:
        return sum(line.amount - line.previous_amount for line in self.lines)


def decision_lines_in_scope(scope: Scope, decision: Decision) -> DecisionLinesInScope:
    lines = list(
        DecisionLine.objects.within(scope, VIEW)
        .filter(decision=decision)
        .select_related("project__content", "project__lead_province")
        .order_by("id")
    )
    hidden = DecisionLine.objects.filter(decision=decision).count() - len(lines)
    return DecisionLinesInScope(lines=lines, hidden=hidden)


# --- flags ---------------------------------------------------------------------------------------


def flags(project: Project, today: datetime.date | None = None) -> list[str]:
    """``overdue`` (past its end, not accepted), ``at_risk`` (work behind time, or no report for 60
    days), ``refund_due``."""
    from khuyencong.projects.services.ledger import money_of

    today = today or timezone.localdate()
    result: list[str] = []
    if project.status in (Status.APPROVED, Status.IN_PROGRESS) and project.end_date < today:
        result.append("overdue")
    if project.status == Status.IN_PROGRESS and project.end_date >= today:
        last = project.progress_reports.order_by("-month", "-id").first()
        percent, month = (last.percent_done, last.month) if last is not None else (None, None)
        if _behind_time(project, today, percent, month):
            result.append("at_risk")
    if project.status in (Status.STOPPED, Status.SETTLED) and money_of(project).refund_due > 0:
        result.append("refund_due")
    return result


def _behind_time(
    project: Project, today: datetime.date, percent_done: int | None, month: datetime.date | None
) -> bool:
    """The at-risk rule, once: the last progress report is more than 25 points behind the share of
    the project's time gone by, or older than 60 days; without a report, a quarter of the time gone."""
    return _behind(project.start_date, project.end_date, today, percent_done, month)


def _behind(
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    percent_done: int | None,
    month: datetime.date | None,
) -> bool:
    span = max(1, (end - start).days)
    elapsed = max(0, (today - start).days) * 100 // span
    if month is None or percent_done is None:
        return elapsed > 25
    return percent_done + 25 < elapsed or (today - month).days > 60


def at_risk_ids(scope: Scope, today: datetime.date | None = None) -> list[int]:
    """The ids of the running projects behind time (the ``at_risk`` flag), soonest end first – one
    query reading each running project's dates and last progress report, not the whole project (at
    national scale thousands of projects are running)."""
    today = today or timezone.localdate()
    last = ProgressReport.objects.filter(project=OuterRef("pk")).order_by("-month", "-id")
    running = (
        Project.objects.within(scope, VIEW)
        .filter(status=Status.IN_PROGRESS, end_date__gte=today)
        .annotate(
            last_percent=Subquery(last.values("percent_done")[:1]),
            last_month=Subquery(last.values("month")[:1]),
        )
        .order_by("end_date", "code")
        .values_list("pk", "start_date", "end_date", "last_percent", "last_month")
    )
    return [pk for pk, start, end, percent, month in running if _behind(start, end, today, percent, month)]


def projects_in_order(ids: list[int]) -> list[Project]:
    """The projects of ``ids``, in that order, with their province and content."""
    found = Project.objects.select_related("lead_province", "content").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def at_risk_projects(scope: Scope, today: datetime.date | None = None) -> list[Project]:
    """The running projects behind time (the ``at_risk`` flag), soonest end first."""
    return projects_in_order(at_risk_ids(scope, today))


def flagged_projects(scope: Scope, today: datetime.date | None = None):
    """Running projects past their end date (the cheap, indexable part of the flags)."""
    today = today or timezone.localdate()
    return Project.objects.within(scope, VIEW).filter(
        status__in=[Status.APPROVED, Status.IN_PROGRESS], end_date__lt=today
    )


# --- support history of an establishment -----------------------------------------------------------


def support_history(establishment, scope: Scope) -> list[dict]:
    """Every project the establishment took part in (within the user's scope), with its money."""
    from khuyencong.projects.services.ledger import money_by_project

    rows = list(
        ProjectBeneficiary.objects.filter(establishment=establishment)
        .filter(project__in=Project.objects.within(scope, VIEW))
        .select_related("project", "project__content")
        .order_by("-project__plan_year", "project__code")
    )
    money = money_by_project([r.project_id for r in rows])
    history = []
    for row in rows:
        sums = money.get(row.project_id, {})
        history.append(
            {
                "participation": row,
                "project": row.project,
                "plan": sum(sums.get(kind, 0) for kind in PLAN_KINDS),
                "settled": sums.get(LedgerKind.SETTLED, 0),
            }
        )
    return history


def timeline(project: Project, user) -> list[ProjectEvent]:
    """The project's events, each with ``who`` recorded it named as the viewer may know them: an
    appraisal expert stays “an appraisal expert” to those the review is blind for (the same rule as
    the history pages, :func:`khuyencong.core.history.people_names`)."""
    from khuyencong.core.history import people_names
    from khuyencong.core.permissions import get_scope

    events = list(project.events.all())
    names = people_names({e.user_id for e in events if e.user_id}, get_scope(user))
    for event in events:
        event.who = names.get(event.user_id, "") if event.user_id else ""
    return events


__all__ = [
    "IN_APPRAISAL",
    "RUNNING",
    "Q",
    "dashboard_sets",
    "draft_request",
    "flagged_projects",
    "flags",
    "money_shown",
    "pending_reviews",
    "project_set",
    "support_history",
    "timeline",
    "with_money",
]
