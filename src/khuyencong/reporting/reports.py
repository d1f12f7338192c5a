"""The agency's tables, each one question to the engine: the consolidation of a plan year, the plan
as it stood on a date with its decisions, and execution."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from khuyencong.core.permissions import VIEW, Scope
from khuyencong.core.text import fold
from khuyencong.reporting import measures
from khuyencong.reporting.derived import leverage
from khuyencong.reporting.engine import Row, aggregate

# the measures a consolidation row holds: every ledger kind, the plan, what was paid, the proposals
ROW_MEASURES = [
    "requested",
    "counterpart_requested",
    "recommended_doit",
    "recommended",
    "allocated",
    "amended",
    "plan",
    "advanced",
    "disbursed",
    "paid",
    "settled",
    "refunded",
    "counterpart_actual",
    "proposals",
]
COLUMNS = measures.CONSOLIDATION


class ConsolidationRow(Row):
    @property
    def proposals(self) -> int:
        return int(self.value("proposals"))

    @property
    def leverage(self) -> float | None:
        """Counterpart đồng drawn per state đồng requested."""
        value = leverage(int(self.value("counterpart_requested")), int(self.value("requested")))
        return float(value) if value is not None else None


def _rows(rows: list[Row]) -> list[ConsolidationRow]:
    return [ConsolidationRow(r.keys, r.labels, r.values) for r in rows]


@dataclass
class Consolidation:
    plan_year: int
    source: str | None
    geography: str
    provinces: list[ConsolidationRow]
    contents: list[ConsolidationRow]
    total: ConsolidationRow
    on: datetime.date | None = None


def consolidation(
    scope: Scope,
    plan_year: int,
    source: str | None = None,
    geography: str = "now",
    on: datetime.date | None = None,
) -> Consolidation:
    """Proposals and money of a plan year by province (today's or as it was) and by content. A
    proposal counts in the province where it was filed; money by the shares of its provinces."""
    from khuyencong.programmes.models import Content

    province = "province_now" if geography == "now" else "province"
    filters = {"plan_year": plan_year, "source": source or None}
    by_province = aggregate(scope, ROW_MEASURES, by=[province], filters=filters, on=on)
    by_content = aggregate(scope, ROW_MEASURES, by=["content"], filters=filters, on=on)
    orders = dict(Content.objects.filter(pk__in=[r.key for r in by_content.rows]).values_list("pk", "order"))
    total = ConsolidationRow({}, {}, by_province.total.values)
    return Consolidation(
        plan_year=plan_year,
        source=source,
        geography=geography,
        provinces=sorted(
            _rows(by_province.rows), key=lambda r: (fold(r.label), r.label)
        ),  # Đà Nẵng among the D
        contents=sorted(_rows(by_content.rows), key=lambda r: orders.get(r.key, 0)),
        total=total,
        on=on,
    )


def plan_on(scope: Scope, plan_year: int, source: str | None, on: datetime.date) -> dict:
    """The plan as it stood on ``on``: the decisions issued up to that date, and how many projects
    it holds (those whose approved support is above 0)."""
    table = aggregate(
        scope, ["plan", "planned_projects"], filters={"plan_year": plan_year, "source": source}, on=on
    )
    return {"on": on, "amount": table.total.value("plan"), "projects": table.total.value("planned_projects")}


def plan_total(scope: Scope, plan_year: int, source: str | None, on: datetime.date) -> int:
    return int(
        aggregate(scope, ["plan"], filters={"plan_year": plan_year, "source": source}, on=on).total.value(
            "plan"
        )
    )


def executed(
    scope: Scope, plan_year: int, source: str | None = None, on: datetime.date | None = None
) -> dict:
    """Execution of a plan year: the settled projects' settled amounts (“executed 147.747 bn in 218
    projects”), as it stood on ``on`` when given."""
    table = aggregate(
        scope, ["executed", "executed_projects"], filters={"plan_year": plan_year, "source": source}, on=on
    )
    return {"amount": table.total.value("executed"), "projects": table.total.value("executed_projects")}


def plan_and_execution(scope: Scope, plan_year: int, source: str | None, on: datetime.date) -> dict:
    """The plan and its execution cut at the same date, in one query (the plan page, the home card)."""
    table = aggregate(
        scope,
        ["plan", "planned_projects", "executed", "executed_projects"],
        filters={"plan_year": plan_year, "source": source},
        on=on,
    )
    values = table.total.values
    return {
        "at": {"on": on, "amount": values["plan"], "projects": values["planned_projects"]},
        "executed": {"amount": values["executed"], "projects": values["executed_projects"], "on": on},
    }


def plan_versions(scope: Scope, plan_year: int, source: str | None) -> list[dict]:
    """Every decision of the year in date order, with what it changed and the plan after it."""
    from django.db.models import Count

    from khuyencong.projects.models import Decision

    decisions = Decision.objects.within(scope, VIEW).filter(plan_year=plan_year, issued_at__isnull=False)
    if source:
        decisions = decisions.filter(source=source)
    changes = {  # of the decisions listed: far fewer entries to read than every decided one
        row.key: row.value("plan")
        for row in aggregate(
            scope,
            ["plan"],
            by=["decision"],
            filters={"plan_year": plan_year, "source": source, "decision": decisions.values("pk")},
            labels=False,
        ).rows
    }
    versions = []
    running = 0
    for decision in decisions.annotate(n_lines=Count("lines")).order_by("date", "id"):
        change = changes.get(decision.pk, 0)
        running += change
        versions.append({"decision": decision, "change": change, "plan": running, "lines": decision.n_lines})
    return versions


__all__ = [
    "COLUMNS",
    "Consolidation",
    "ConsolidationRow",
    "consolidation",
    "executed",
    "plan_and_execution",
    "plan_on",
    "plan_total",
    "plan_versions",
]
