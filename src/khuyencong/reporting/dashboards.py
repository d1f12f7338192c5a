"""The leaders' dashboard: the figures of one plan year for one viewer, every one asked of the engine.

- key figures: the plan of the year, what the settled projects were settled at (executed), what was
  paid, execution as a percentage of the plan, the projects running, the counterpart funds planned
  and their leverage (counterpart đồng per state đồng requested, as the consolidation states it);
- execution month by month: the plan of the year, what was paid and what was settled, each
  cumulative at the end of every month of the year – this year against last year's plan in the
  same months;
- the funds by content (plan, paid, executed);
- the running projects past their end date or behind time (``projects.queries``);
- money per province for the map, in the 63 provinces as they were and the 34 of today.

The figures are cut at ``on`` (today by default), as the plan page cuts them: the same question
asked of the same engine gives the same figure on both pages.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core.formatting import format_money
from khuyencong.core.permissions import Scope
from khuyencong.reporting.derived import leverage, percent, percent_of_plan
from khuyencong.reporting.engine import aggregate, aggregate_many

KEY_MEASURES = [
    "plan",
    "executed",
    "executed_projects",
    "paid",
    "settled",
    "requested",
    "counterpart_requested",
]
MONTH_MEASURES = ["plan", "paid", "settled"]
CONTENT_MEASURES = ["plan", "paid", "executed"]
MILLION = Decimal(1_000_000)
# the first plan year the dashboard offers (the 2014–2020 phase is the oldest recorded)
FIRST_YEAR = 2014


@dataclass
class KeyFigures:
    plan: int
    executed: int
    executed_projects: int
    paid: int
    settled: int
    requested: int
    counterpart: int
    running: int

    @property
    def percent_of_plan(self) -> Decimal | None:
        """Executed (settled projects) as a percentage of the plan."""
        return percent_of_plan(self.executed, self.plan)

    @property
    def paid_percent(self) -> Decimal | None:
        return percent(self.paid, self.plan)

    @property
    def leverage(self) -> Decimal | None:
        return leverage(self.counterpart, self.requested)


@dataclass
class MonthSeries:
    """Cumulative amounts at the end of each month 1–12 (``None`` for months not yet reached)."""

    year: int
    values: dict[str, list[int | None]]


@dataclass
class ContentRow:
    content_id: int | None
    label: str
    plan: int
    paid: int
    executed: int

    @property
    def percent_of_plan(self) -> Decimal | None:
        return percent_of_plan(self.executed, self.plan)


@dataclass
class Dashboard:
    year: int
    on: datetime.date
    key: KeyFigures
    months: MonthSeries
    last_year: MonthSeries
    contents: list[ContentRow]
    flagged: list = field(default_factory=list)
    flagged_more: int = 0


def _int(value) -> int:
    return int(value or 0)


# the measures of the year read once for the key figures, the month series and the funds by content
YEAR_MEASURES = ["plan", "paid", "settled", "executed"]
_YEAR_GROUPINGS = [[], ["movement_year", "movement_month"], ["content"]]


def _year_tables(scope: Scope, year: int, on: datetime.date, months_only: bool = False) -> list:
    """The year's plan, paid, settled and executed: the total, by month of movement and by content –
    one reading of the facts for the three (``engine.aggregate_many``)."""
    if months_only:
        return [
            None,
            aggregate(
                scope, MONTH_MEASURES, by=_YEAR_GROUPINGS[1], filters={"plan_year": year}, on=on, labels=False
            ),
            None,
        ]
    return aggregate_many(scope, YEAR_MEASURES, _YEAR_GROUPINGS, filters={"plan_year": year}, on=on)


def key_figures(scope: Scope, year: int, on: datetime.date, total=None) -> KeyFigures:
    from khuyencong.projects.queries import RUNNING

    if total is None:
        total = _year_tables(scope, year, on)[0].total
    # what only the year's total needs: the settled projects counted, the standing proposals' money
    rest = aggregate(
        scope,
        ["executed_projects", "requested", "counterpart_requested"],
        filters={"plan_year": year},
        on=on,
        labels=False,
    ).total
    # the projects of the year running on ``on`` – the home page's card “projects running”
    running = aggregate(
        scope, ["projects"], filters={"plan_year": year, "status": list(RUNNING)}, on=on, labels=False
    ).total
    return KeyFigures(
        plan=_int(total.value("plan")),
        executed=_int(total.value("executed")),
        executed_projects=_int(rest.value("executed_projects")),
        paid=_int(total.value("paid")),
        settled=_int(total.value("settled")),
        requested=_int(rest.value("requested")),
        counterpart=_int(rest.value("counterpart_requested")),
        running=_int(running.value("projects")),
    )


def month_series(scope: Scope, year: int, on: datetime.date, table=None) -> MonthSeries:
    """The plan of ``year``, what was paid and settled on it, cumulative at the end of each month of
    that calendar year: what moved before the year (a plan decided in December) opens January; a
    month after ``on`` has no figure yet."""
    if table is None:
        table = _year_tables(scope, year, on, months_only=True)[1]
    before: dict[str, int] = defaultdict(int)
    monthly: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in table.rows:
        moved_year, month = row.keys["movement_year"], row.keys["movement_month"]
        for name in MONTH_MEASURES:
            if moved_year < year:
                before[name] += _int(row.value(name))
            elif moved_year == year:
                monthly[month][name] += _int(row.value(name))
    values: dict[str, list[int | None]] = {name: [] for name in MONTH_MEASURES}
    running = dict(before)
    for month in range(1, 13):
        reached = datetime.date(year, month, 1) <= on
        for name in MONTH_MEASURES:
            running[name] = running.get(name, 0) + monthly[month][name]
            values[name].append(running[name] if reached else None)
    return MonthSeries(year, values)


def by_content(scope: Scope, year: int, on: datetime.date, table=None) -> list[ContentRow]:
    from khuyencong.programmes.models import Content

    if table is None:
        table = aggregate(scope, CONTENT_MEASURES, by=["content"], filters={"plan_year": year}, on=on)
    orders = dict(Content.objects.filter(pk__in=[r.key for r in table.rows]).values_list("pk", "order"))
    rows = [
        ContentRow(r.key, r.label, _int(r.value("plan")), _int(r.value("paid")), _int(r.value("executed")))
        for r in table.rows
    ]
    return sorted(rows, key=lambda r: (orders.get(r.content_id, 0), r.label))


def flagged(scope: Scope, on: datetime.date, limit: int = 20) -> tuple[list[dict], int]:
    """The running projects past their end date (overdue) and those behind time (at risk), most
    overdue first; at most ``limit``, with how many more there are."""
    from khuyencong.projects.queries import at_risk_ids, flagged_projects, projects_in_order

    overdue = list(
        flagged_projects(scope, on)
        .select_related("lead_province", "content")
        .order_by("end_date", "code")[: limit + 1]
    )
    overdue_count = flagged_projects(scope, on).count()
    found = [{"project": p, "flags": ["overdue"]} for p in overdue[:limit]]
    behind = at_risk_ids(scope, on)  # only those shown are read whole
    shown = projects_in_order(behind[: max(0, limit - len(found))])
    rows = found + [{"project": p, "flags": ["at_risk"]} for p in shown]
    total = overdue_count + len(behind)
    return rows[:limit], max(0, total - limit)


def dashboard(scope: Scope, year: int, on: datetime.date | None = None) -> Dashboard:
    """Everything the dashboard shows for ``year``, cut at ``on`` (today by default; a past year is
    read as it stands today)."""
    today = timezone.localdate()
    on = on or today
    rows, more = flagged(scope, today)
    total, months, contents = _year_tables(scope, year, on)
    return Dashboard(
        year=year,
        on=on,
        key=key_figures(scope, year, on, total=total.total),
        months=month_series(scope, year, on, table=months),
        last_year=month_series(scope, year - 1, on),
        contents=by_content(scope, year, on, table=contents),
        flagged=rows,
        flagged_more=more,
    )


# --- the map: money per province, for the dashboard and the map page -----------------------------------


def _map_labels() -> dict[str, tuple[str, str, int]]:
    million = _("million VND")
    return {
        "plan": (_("Approved plan"), million, 0),
        "executed": (_("Executed (settled projects)"), million, 0),
        "percent": (_("Executed, % of plan"), "%", 2),
        "counterpart": (_("Counterpart planned"), million, 0),
    }


MAP_KEYS = ["plan", "executed", "percent", "counterpart"]


def province_money(scope: Scope, year: int, geography: str, on: datetime.date | None = None) -> dict:
    """``{province id: {"plan", "executed", "counterpart"}}`` in whole đồng for ``geography``
    (``"34"``: rolled up to today's provinces; ``"63"``: the province as it was – money written
    after 01/07/2025 in a province formed from one counts for that one, in a province merged from
    several it cannot be placed, and ``unplaced`` says how much), with the covered provinces."""
    from khuyencong.geo.maps import GEOGRAPHIES
    from khuyencong.geo.queries import provinces_on, sole_predecessors

    measures = ["plan", "executed", "counterpart_requested"]
    filters = {"plan_year": year}
    if geography == "34":
        table = aggregate(scope, measures, by=["province_now"], filters=filters, on=on, labels=False)
        values = {r.key: r.values for r in table.rows if r.key is not None}
        covered = None if scope.national_read else set(scope.current_read)
        return {"values": values, "covered": covered, "unplaced": 0}
    old = set(provinces_on(GEOGRAPHIES["63"]["on"]).values_list("pk", flat=True))
    sole = sole_predecessors()
    covered = None if scope.national_read else {p for p in scope.province_read if p in old}
    table = aggregate(scope, measures, by=["province"], filters=filters, on=on, labels=False)
    values: dict[int, dict] = {}
    unplaced = 0
    for row in table.rows:
        target = row.key if row.key in old else sole.get(row.key)
        if target is None:
            unplaced += _int(row.value("plan"))
            continue
        sums = values.setdefault(target, defaultdict(int))
        for name in measures:
            sums[name] += _int(row.value(name))
    return {"values": values, "covered": covered, "unplaced": unplaced}


def map_values(money: dict, key: str) -> dict[int, Decimal]:
    """One measure per province, in million VND (or percent for ``percent``)."""
    result: dict[int, Decimal] = {}
    for pid, sums in money["values"].items():
        if key == "percent":
            value = percent_of_plan(_int(sums.get("executed")), _int(sums.get("plan")))
            if value is not None:
                result[pid] = value
        else:
            name = "counterpart_requested" if key == "counterpart" else key
            result[pid] = Decimal(_int(sums.get(name))) / MILLION
    return result


def map_figures(scope: Scope, year: int, key: str, geography: str, on: datetime.date | None = None):
    from khuyencong.geo.maps import MeasureFigures

    money = province_money(scope, year, geography, on)
    notes = [
        _("Plan year %(year)s, by the province the money was written for (%(geo)s).")
        % {"year": year, "geo": _("today's 34 provinces") if geography == "34" else _("the 63 provinces")}
    ]
    if money["unplaced"]:
        notes.append(
            _(
                "%(amount)s of the plan written after 01/07/2025 in provinces merged from several is "
                "not placed in one of the 63."
            )
            % {"amount": format_money(money["unplaced"])}
        )
    return MeasureFigures(values=map_values(money, key), covered=money["covered"], notes=notes)


def map_measure(scope: Scope, key: str, year: int | None = None):
    """A :class:`~khuyencong.geo.maps.MapMeasure` of the plan year (this year by default)."""
    from khuyencong.geo.maps import MapMeasure

    if not scope.can_use_workspace:
        return None
    year = year or timezone.localdate().year
    label, unit, decimals = _map_labels()[key]
    return MapMeasure(
        key=f"money_{key}",
        label=f"{label} {year}",
        unit=unit,
        figures=lambda geography: map_figures(scope, year, key, geography),
        decimals=decimals,
    )


def plan_map_measure(scope: Scope):
    return map_measure(scope, "plan")


def executed_map_measure(scope: Scope):
    return map_measure(scope, "executed")


def percent_map_measure(scope: Scope):
    return map_measure(scope, "percent")


def counterpart_map_measure(scope: Scope):
    return map_measure(scope, "counterpart")


MAP_PROVIDERS = [plan_map_measure, executed_map_measure, percent_map_measure, counterpart_map_measure]


def years_offered(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year + 1, FIRST_YEAR - 1, -1))


__all__ = [
    "MAP_KEYS",
    "MAP_PROVIDERS",
    "ContentRow",
    "Dashboard",
    "KeyFigures",
    "MonthSeries",
    "by_content",
    "dashboard",
    "flagged",
    "key_figures",
    "map_figures",
    "map_measure",
    "month_series",
    "province_money",
    "years_offered",
]
