"""Reads over projects and the ledger: consolidation, the plan on a date, flags, support history.

Every amount here is a sum of ledger entries, so a figure is the same on every screen.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from khuyencong.core.permissions import VIEW, Scope
from khuyencong.core.text import fold
from khuyencong.projects.models import (
    FILED,
    PLAN_KINDS,
    BudgetLine,
    Decision,
    DecisionLine,
    LedgerEntry,
    LedgerKind,
    Project,
    ProjectBeneficiary,
    ProjectEvent,
    Status,
)

COLUMNS = [
    LedgerKind.REQUESTED,
    LedgerKind.COUNTERPART_REQUESTED,
    LedgerKind.RECOMMENDED_DOIT,
    LedgerKind.RECOMMENDED,
    "plan",
    "paid",
    LedgerKind.SETTLED,
    LedgerKind.REFUNDED,
]


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


def _sum_of(*kinds):
    entries = LedgerEntry.objects.filter(project=OuterRef("pk"), kind__in=kinds).values("project")
    return Subquery(entries.annotate(s=Sum("amount")).values("s")[:1])


def with_money(queryset):
    """Each project's requested, approved and settled support, as correlated sums (the cost is per
    row shown, whatever the size of the ledger). What was filed: a draft's request is empty here
    (“–”, nothing submitted yet); its page shows what its budget lines ask for (:func:`draft_request`)."""
    return queryset.annotate(
        m_requested=_sum_of(LedgerKind.REQUESTED),
        m_plan=_sum_of(*PLAN_KINDS),
        m_settled=_sum_of(LedgerKind.SETTLED),
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
class Row:
    key: int | None
    label: str
    proposals: int = 0
    sums: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, kind: str, amount: int) -> None:
        self.sums[kind] += amount
        if kind in PLAN_KINDS:
            self.sums["plan"] += amount
        if kind in (LedgerKind.ADVANCED, LedgerKind.DISBURSED):
            self.sums["paid"] += amount

    def value(self, column: str) -> int:
        return self.sums.get(column, 0)

    @property
    def leverage(self) -> float | None:
        """Counterpart đồng drawn per state đồng (planned)."""
        state = self.sums.get(LedgerKind.REQUESTED, 0)
        return self.sums.get(LedgerKind.COUNTERPART_REQUESTED, 0) / state if state else None


@dataclass
class Consolidation:
    plan_year: int
    source: str | None
    geography: str
    provinces: list[Row]
    contents: list[Row]
    total: Row


def _ledger(scope: Scope, plan_year: int, source: str | None, **project_filters):
    """The ledger entries of a plan year in the scope: ``LedgerEntry.objects.within(scope, VIEW)``
    (entries of the projects in scope), except that the projects in scope are narrowed to the same
    year and source first, so the database does not walk every year's projects of a province. Same
    rows: an entry carries its project's year and source, which a filed project keeps
    (``proposal_save``). ``project_filters`` (e.g. ``status=...``) narrow the projects further."""
    qs = LedgerEntry.objects.filter(plan_year=plan_year)
    if source:
        qs = qs.filter(source=source)
    condition = Project.scope_filter(scope, VIEW)
    if condition is False:
        return qs.none()
    if condition is True and not project_filters:
        return qs
    projects = Project.objects.filter(plan_year=plan_year, **project_filters)
    if condition is not True:
        projects = projects.filter(condition)
    if source:
        projects = projects.filter(source=source)
    return qs.filter(project__in=projects)


def consolidation(
    scope: Scope, plan_year: int, source: str | None = None, geography: str = "now"
) -> Consolidation:
    """Proposals and money of a plan year by province (today's or as it was) and by content."""
    from khuyencong.geo.models import AdministrativeUnit
    from khuyencong.programmes.models import Content

    province_field = "province_now" if geography == "now" else "province"
    entries = _ledger(scope, plan_year, source)
    provinces: dict[int, Row] = {}
    contents: dict[int, Row] = {}
    total = Row(None, "")
    for province_id, content_id, kind, amount in (
        entries.values(province_field, "content", "kind")
        .annotate(s=Sum("amount"))
        .values_list(province_field, "content", "kind", "s")
    ):
        provinces.setdefault(province_id, Row(province_id, "")).add(kind, amount)
        contents.setdefault(content_id, Row(content_id, "")).add(kind, amount)
        total.add(kind, amount)
    projects = Project.objects.within(scope, VIEW).filter(plan_year=plan_year, status__in=FILED)
    if source:
        projects = projects.filter(source=source)
    lead_field = "lead_province_now" if geography == "now" else "lead_province"
    for province_id, n in projects.values(lead_field).annotate(n=Count("id")).values_list(lead_field, "n"):
        provinces.setdefault(province_id, Row(province_id, "")).proposals += n
    for content_id, n in projects.values("content").annotate(n=Count("id")).values_list("content", "n"):
        contents.setdefault(content_id, Row(content_id, "")).proposals += n
    total.proposals = sum(r.proposals for r in provinces.values())
    names: dict[int | None, str] = dict(
        AdministrativeUnit.objects.filter(pk__in=provinces).values_list("pk", "name")
    )
    for row in provinces.values():
        row.label = names.get(row.key, "")
    content_names: dict[int | None, str] = dict(
        Content.objects.filter(pk__in=contents).values_list("pk", "short_name")
    )
    orders: dict[int | None, int] = dict(Content.objects.filter(pk__in=contents).values_list("pk", "order"))
    for row in contents.values():
        row.label = content_names.get(row.key, "")
    return Consolidation(
        plan_year=plan_year,
        source=source,
        geography=geography,
        provinces=sorted(provinces.values(), key=lambda r: (fold(r.label), r.label)),  # Đà Nẵng among the D
        contents=sorted(contents.values(), key=lambda r: orders.get(r.key, 0)),
        total=total,
    )


def plan_on(scope: Scope, plan_year: int, source: str | None, on: datetime.date) -> dict:
    """The plan as it stood on ``on``: the sum of the decisions issued up to that date."""
    entries = _ledger(scope, plan_year, source).filter(kind__in=PLAN_KINDS, value_date__lte=on)
    # one query: the per-project sums, then their total and how many are above 0
    totals = (
        entries.values("project")
        .annotate(s=Sum("amount"))
        .aggregate(amount=Sum("s"), projects=Count("project", filter=Q(s__gt=0)))
    )
    return {"on": on, "amount": totals["amount"] or 0, "projects": totals["projects"]}


def plan_total(scope: Scope, plan_year: int, source: str | None, on: datetime.date) -> int:
    """The amount of :func:`plan_on` alone: one sum, no grouping by project (the home page's card)."""
    entries = _ledger(scope, plan_year, source).filter(kind__in=PLAN_KINDS, value_date__lte=on)
    return entries.aggregate(s=Sum("amount"))["s"] or 0


def plan_versions(scope: Scope, plan_year: int, source: str | None) -> list[dict]:
    """Every decision of the year in date order, with what it changed and the plan after it."""
    decisions = Decision.objects.within(scope, VIEW).filter(plan_year=plan_year, issued_at__isnull=False)
    if source:
        decisions = decisions.filter(source=source)
    changes = dict(  # of the decisions listed: far fewer entries to read than every decided one
        _ledger(scope, plan_year, source)
        .filter(kind__in=PLAN_KINDS, decision__in=decisions.values("pk"))
        .values("decision")
        .annotate(s=Sum("amount"))
        .values_list("decision", "s")
    )
    versions = []
    running = 0
    for decision in decisions.annotate(n_lines=Count("lines")).order_by("date", "id"):
        change = changes.get(decision.pk, 0)
        running += change
        versions.append({"decision": decision, "change": change, "plan": running, "lines": decision.n_lines})
    return versions


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


def executed(scope: Scope, plan_year: int, source: str | None = None) -> dict:
    """Execution of a plan year: settled projects' settled amounts (“executed 147.747 bn in 218")."""
    entries = _ledger(scope, plan_year, source, status=Status.SETTLED)  # one project subquery, no join
    totals = entries.filter(kind=LedgerKind.SETTLED).aggregate(
        s=Sum("amount"), n=Count("project", distinct=True)
    )
    return {"amount": totals["s"] or 0, "projects": totals["n"]}


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
        span = max(1, (project.end_date - project.start_date).days)
        elapsed = max(0, (today - project.start_date).days) * 100 // span
        if last is None:
            if elapsed > 25:
                result.append("at_risk")
        elif last.percent_done + 25 < elapsed or (today - last.month).days > 60:
            result.append("at_risk")
    if project.status in (Status.STOPPED, Status.SETTLED) and money_of(project).refund_due > 0:
        result.append("refund_due")
    return result


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
                "plan": sums.get(LedgerKind.ALLOCATED, 0) + sums.get(LedgerKind.AMENDED, 0),
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
    "COLUMNS",
    "IN_APPRAISAL",
    "RUNNING",
    "Q",
    "consolidation",
    "dashboard_sets",
    "draft_request",
    "executed",
    "flagged_projects",
    "flags",
    "money_shown",
    "pending_reviews",
    "plan_on",
    "plan_total",
    "plan_versions",
    "project_set",
    "support_history",
    "timeline",
    "with_money",
]
