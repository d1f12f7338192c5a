"""The one place figures are added up: ``aggregate(scope, measures, by, filters, on)``.

Every table, card, export and API report asks this function. It groups in the database
(``values().annotate(Sum)``, the same SQL on SQLite and PostgreSQL), returns whole đồng as Python
``int`` and builds the total row as the exact sum of the rows – except for measures that count
projects, whose total counts each project once even when it is split over several rows (a project
in two provinces is one project nationally).

The viewer's scope applies to every fact: the projects the scope may read, whole (a project shared
with another province is read with all its entries, as ``LedgerEntry.scope_filter`` says). With
``on``, every measure is cut at that date: only money that moved up to ``on``, only results reported
up to ``on``, and a project counts with the status it had on ``on``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from khuyencong.core.permissions import VIEW, Scope
from khuyencong.projects.models import (
    LedgerEntry,
    PlannedResult,
    Project,
    ProjectBeneficiary,
    ProjectEvent,
    ResultReport,
)
from khuyencong.reporting import dimensions as dims
from khuyencong.reporting import measures as ms
from khuyencong.reporting.dimensions import MOVEMENT, PLAN, Dimension, Period

# filters that name an attribute of the project (and the ledger field that copies it, if any)
_FILTERS = {
    # name: (project field, ledger field)
    "plan_year": ("plan_year", "plan_year"),
    "source": ("source", "source"),
    "content": ("content", "content"),
    "province": ("lead_province", "province"),
    "province_now": ("lead_province_now", "province_now"),
    "organisation": ("implementing_org", "organisation"),
    "organisation_kind": ("implementing_org__kind", "organisation__kind"),
    "project_kind": ("kind", None),
    "status": ("status", None),
    "project": ("pk", "project"),
}
KNOWN_FILTERS = {*_FILTERS, "period", "region", "region_now", "decision"}


@dataclass
class Row:
    """One row of a table: the keys of its dimensions, their names and the measures' values."""

    keys: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)
    values: dict[str, int | Decimal] = field(default_factory=dict)

    def value(self, name: str) -> int | Decimal:
        return self.values.get(name, 0)

    @property
    def key(self) -> Any:
        """The key of a one-dimension table (``None`` for the total row)."""
        return next(iter(self.keys.values()), None)

    @property
    def label(self) -> str:
        return " – ".join(self.labels.get(name, "") for name in self.keys)


@dataclass
class Table:
    measures: list[str]
    by: list[str]
    rows: list[Row]
    total: Row
    on: datetime.date | None = None

    def column(self, measure: str) -> list[int | Decimal]:
        return [row.value(measure) for row in self.rows]


def _many(value) -> list:
    if isinstance(value, (str, int)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _pk(value):
    return getattr(value, "pk", value)


def _status_then(on: datetime.date):
    """The status a project had at the end of ``on``: the one left by the last event recorded among
    those dated on or before that day (an event without a document date is dated the day it was
    recorded). Recording order, not the dates, says which came last: history recorded later from
    documents keeps its own order."""
    changes = (
        ProjectEvent.objects.filter(project=OuterRef("pk"))
        .exclude(to_status="")
        .annotate(day=Coalesce("on", TruncDate("at")))
        .filter(day__lte=on)
        .order_by("-id")
        .values("to_status")[:1]
    )
    return Subquery(changes)


def _with_status(projects: QuerySet, statuses: Iterable[str], on: datetime.date | None) -> QuerySet:
    """``projects`` narrowed to those in one of ``statuses`` – today, or on ``on`` (a date from
    today on reads today's status: nothing is recorded in the future)."""
    if on is None or on >= timezone.localdate():
        return projects.filter(status__in=list(statuses))
    return projects.annotate(status_then=_status_then(on)).filter(status_then__in=list(statuses))


def projects_with_status(statuses: Iterable[str], on: datetime.date | None) -> QuerySet:
    """The ids of the projects in one of ``statuses`` on ``on`` (:func:`_with_status`)."""
    return _with_status(Project.objects.all(), statuses, on).values("pk")


def _region_units(region_ids) -> QuerySet:
    from khuyencong.geo.models import RegionMembership

    return RegionMembership.objects.filter(region__in=[_pk(r) for r in _many(region_ids)]).values("unit")


def _project_condition(scope: Scope, filters: dict) -> Q | bool:
    """The projects a report reads: those of the scope, narrowed by the filters on the project."""
    condition = Project.scope_filter(scope, VIEW)
    if condition is False:
        return False
    q = Q() if condition is True else condition
    for name, value in filters.items():
        if name in _FILTERS and value is not None:
            q &= Q(**{f"{_FILTERS[name][0]}__in": [_pk(v) for v in _many(value)]})
    period: Period | None = filters.get("period")
    if period is not None and period.basis == PLAN:
        q &= Q(plan_year__in=list(period.plan_years))
    for name, field_name in (("region", "lead_province"), ("region_now", "lead_province_now")):
        if filters.get(name) is not None:
            q &= Q(**{f"{field_name}__in": _region_units(filters[name])})
    return q


def scoped_ledger(
    scope: Scope,
    filters: dict | None = None,
    statuses: Iterable[str] | None = None,
    on: datetime.date | None = None,
) -> QuerySet:
    """The ledger entries a report reads: ``LedgerEntry.objects.within(scope, VIEW)`` narrowed by the
    filters, in the efficient form – the entry's own copies of its project's year, source, content,
    provinces and organisation are filtered on the ledger, and the projects in a restricted scope are
    narrowed by the same filters first, so the database does not walk every year of a province.
    ``statuses``: only the entries of projects in one of them (on ``on``), in the same subquery."""
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    unknown = set(filters) - KNOWN_FILTERS
    if unknown:
        raise ValueError(f"unknown filters {sorted(unknown)}")
    qs = LedgerEntry.objects.all()
    project_only = False
    for name, value in filters.items():
        if name in _FILTERS:
            _project_field, ledger_field = _FILTERS[name]
            if ledger_field is None:
                project_only = True
            else:
                qs = qs.filter(**{f"{ledger_field}__in": [_pk(v) for v in _many(value)]})
    if "decision" in filters:
        decision = filters["decision"]
        qs = qs.filter(
            decision__in=decision if isinstance(decision, QuerySet) else [_pk(d) for d in _many(decision)]
        )
    period: Period | None = filters.get("period")
    if period is not None:
        if period.basis == MOVEMENT:
            qs = qs.filter(value_date__gte=period.start, value_date__lte=period.end)
        else:
            qs = qs.filter(plan_year__in=list(period.plan_years))
    for name, field_name in (("region", "province"), ("region_now", "province_now")):
        if name in filters:
            qs = qs.filter(**{f"{field_name}__in": _region_units(filters[name])})
    condition = Project.scope_filter(scope, VIEW)
    if condition is False:
        return qs.none()
    if condition is True and not project_only and statuses is None:
        return qs
    projects = Project.objects.filter(_project_condition(scope, filters))
    if statuses is not None:
        projects = _with_status(projects, statuses, on)
    return qs.filter(project__in=projects.values("pk"))


# --- the facts ------------------------------------------------------------------------------------------


def _group_fields(by: Sequence[Dimension], fact: str, side: str = "") -> dict[str, Any]:
    fields = {}
    for dim in by:
        expression = dim.expression(fact, side)
        if expression is None:
            raise ValueError(f"{dim.name} does not apply to {fact} {side}".strip())
        fields[f"d_{dim.name}"] = expression
    return fields


def _status_q(measure: ms.Measure, on: datetime.date | None, prefix: str = "project__") -> Q:
    if measure.statuses is None:
        return Q()
    if on is None or on >= timezone.localdate():
        return Q(**{f"{prefix}status__in": sorted(measure.statuses)})
    return Q(**{f"{prefix}in" if prefix else "pk__in": projects_with_status(measure.statuses, on)})


def _as_int(value) -> int:
    return int(value or 0)  # PostgreSQL returns the sum of bigints as numeric


def _ledger_facts(scope, measures, by, filters, on, cells, totals, project_sums) -> None:
    """The ledger's measures, one query per set of statuses they count: the measures of every
    project together, and those of some statuses only (“executed”: settled projects) with those
    projects as a subquery narrowed like the report's. One query joining every entry to its project
    to test its status cost seven times the two (80 ms against 11 at 300,000 projects)."""
    buckets: dict[frozenset[str] | None, list[ms.Measure]] = defaultdict(list)
    for m in measures:
        buckets[m.statuses].append(m)
    for statuses, bucket in buckets.items():
        _ledger_bucket(scope, bucket, statuses, by, filters, on, cells, totals, project_sums)


# --- the ledger's summary (``reporting.rollups``) ------------------------------------------------------

# the filters the ledger's summary answers (on its own copies of the entries' fields)
_ROLLUP_FILTERS = {
    "plan_year": "plan_year",
    "source": "source",
    "content": "content",
    "province": "province",
    "province_now": "province_now",
    "status": "status",
}


# the figures kept ready are read when they answer (the tests turn them off to compare with the facts)
USE_ROLLUPS = True


def _rollup_answers(scope, statuses, by, filters, on) -> bool:
    """Whether the ledger's summary gives the figures exactly: for the whole country (a restricted
    scope reads whole projects, which the summary does not know), filters and groupings it holds,
    and a status counted as it is now (a report dated before today counts the status then)."""
    if not USE_ROLLUPS or Project.scope_filter(scope, VIEW) is not True:
        return False
    if set(filters) - {*_ROLLUP_FILTERS, "region", "region_now", "period"}:
        return False
    if any(dims.ledger_rollup_expression(dim.name) is None for dim in by):
        return False
    return statuses is None or on is None or on >= timezone.localdate()


def _ledger_from_rollup(scope, measures, statuses, by, filters, on, cells) -> None:
    """The ledger's measures from its summary for the whole months of the span asked, and from the
    entries for the days left over at either end (a report as it stood on the 15th): the same
    figures, to the đồng, as the entries alone give."""
    from khuyencong.reporting.models import LedgerRollup
    from khuyencong.reporting.rollups import split_months

    period: Period | None = filters.get("period")
    lo = period.start if period is not None and period.basis == MOVEMENT else None
    hi = period.end if period is not None and period.basis == MOVEMENT else None
    if on is not None:
        hi = on if hi is None else min(hi, on)
    if lo is not None and hi is not None and lo > hi:
        return
    whole, edges = split_months(lo, hi)
    kinds = sorted({k for m in measures for k in m.kinds})
    sums = {m.name: Sum("amount", filter=Q(kind__in=list(m.kinds))) for m in measures}
    names = [f"d_{d.name}" for d in by]
    if whole is not None:
        qs = LedgerRollup.objects.filter(kind__in=kinds, entries__gt=0)
        for name, field_name in _ROLLUP_FILTERS.items():
            if name in filters:
                qs = qs.filter(**{f"{field_name}__in": [_pk(v) for v in _many(filters[name])]})
        for name, field_name in (("region", "province"), ("region_now", "province_now")):
            if name in filters:
                qs = qs.filter(**{f"{field_name}__in": _region_units(filters[name])})
        if period is not None and period.basis == PLAN:
            qs = qs.filter(plan_year__in=list(period.plan_years))
        if statuses is not None:
            qs = qs.filter(status__in=sorted(statuses))
        first, last = whole
        if first is not None:
            qs = qs.filter(month__gte=first)
        if last is not None:
            qs = qs.filter(month__lte=last)
        group = {f"d_{d.name}": dims.ledger_rollup_expression(d.name) for d in by}
        _add_ledger_sums(qs, measures, sums, group, names, cells)
    for start, end in edges:
        qs = scoped_ledger(scope, filters, statuses, on).filter(
            kind__in=kinds, value_date__gte=start, value_date__lte=end
        )
        _add_ledger_sums(qs, measures, sums, _group_fields(by, ms.LEDGER), names, cells)


def _add_ledger_sums(qs, measures, sums, group, names, cells) -> None:
    if not names:
        result = qs.aggregate(**sums)
        for m in measures:
            cells[()][m.name] += _as_int(result[m.name])
        return
    for row in qs.order_by().values(**group).annotate(**sums).values(*names, *sums):
        key = tuple(row[n] for n in names)
        for m in measures:
            cells[key][m.name] += _as_int(row[m.name])


def _ledger_bucket(scope, measures, statuses, by, filters, on, cells, totals, project_sums) -> None:
    # projects counted by their money are counted from the entries (each project's sum); the sums
    # asked with them come from the same reading, so the summary serves only buckets of sums
    if not any(m.count_projects for m in measures) and _rollup_answers(scope, statuses, by, filters, on):
        _ledger_from_rollup(scope, measures, statuses, by, filters, on, cells)
        return
    qs = scoped_ledger(scope, filters, statuses, on)
    if on is not None:
        qs = qs.filter(value_date__lte=on)
    kinds = sorted({k for m in measures for k in m.kinds})
    qs = qs.filter(kind__in=kinds)
    sums = {m.name: Sum("amount", filter=Q(kind__in=list(m.kinds))) for m in measures}
    group = _group_fields(by, ms.LEDGER)
    names = [f"d_{d.name}" for d in by]
    counting = [m for m in measures if m.count_projects]
    if not by and not counting:
        result = qs.aggregate(**sums)
        for m in measures:
            cells[()][m.name] += _as_int(result[m.name])
        return
    if not counting:
        for row in qs.values(**group).annotate(**sums).values(*names, *sums):
            key = tuple(row[n] for n in names)
            for m in measures:
                cells[key][m.name] += _as_int(row[m.name])
        return
    grouped = qs.values("project", **group).annotate(**sums)
    if not by:  # one query: the sums per project, then their totals and how many are above 0
        result = grouped.aggregate(
            **{f"t_{m.name}": Sum(m.name) for m in measures if not m.count_projects},
            **{f"t_{m.name}": Count("project", filter=Q(**{f"{m.name}__gt": 0})) for m in counting},
        )
        for m in measures:
            cells[()][m.name] += _as_int(result[f"t_{m.name}"])
        return
    whole: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in grouped.values(*names, "project", *sums):
        key = tuple(row[n] for n in names)
        for m in measures:
            amount = _as_int(row[m.name])
            if m.count_projects:  # counted once the rows are rolled up (a region counts a project once)
                project_sums[key][row["project"]][m.name] += amount
                cells[key][m.name] += 0
                whole[row["project"]][m.name] += amount
            else:
                cells[key][m.name] += amount
    for m in counting:  # a project split over rows counts once in the total
        totals[m.name] = sum(1 for sums_of in whole.values() if sums_of[m.name] > 0)


def _project_facts(scope, measures, by, filters, on, cells) -> None:
    condition = _project_condition(scope, {k: v for k, v in filters.items() if v is not None})
    if condition is False:
        return
    qs = Project.objects.filter(condition)
    period: Period | None = filters.get("period")
    if period is not None and period.basis == MOVEMENT:  # the projects whose money moved in the period
        moved = LedgerEntry.objects.filter(value_date__gte=period.start, value_date__lte=period.end)
        qs = qs.filter(pk__in=moved.values("project"))
    if filters.get("decision") is not None:
        qs = qs.filter(pk__in=scoped_ledger(scope, {"decision": filters["decision"]}).values("project"))
    counts = {m.name: Count("pk", filter=_status_q(m, on, prefix="")) for m in measures}
    group = _group_fields(by, ms.PROJECTS)
    names = [f"d_{d.name}" for d in by]
    if not by:
        result = qs.aggregate(**counts)
        for m in measures:
            cells[()][m.name] += result[m.name]
        return
    for row in qs.values(**group).annotate(**counts).values(*names, *counts):
        key = tuple(row[n] for n in names)
        for m in measures:
            cells[key][m.name] += row[m.name]


_MOVEMENT_DIMENSIONS = {"movement_year", "movement_half", "movement_quarter", "movement_month"}


def _indicator_facts(scope, measures, by, filters, on, cells) -> None:
    condition = _project_condition(scope, {k: v for k, v in filters.items() if v is not None})
    if condition is False:
        return
    projects = Project.objects.filter(condition)
    period: Period | None = filters.get("period")
    for m in measures:
        group = _group_fields(by, ms.INDICATOR, m.side)
        names = [f"d_{d.name}" for d in by]
        if m.side == "planned":  # the targets of the approved projects
            decided = projects_with_status(ms.MEASURES["projects"].statuses or (), on)
            qs = PlannedResult.objects.filter(project__in=projects).filter(project__in=decided).order_by()
        elif (
            on is None
            and (period is None or period.basis == PLAN)
            and all(d.name not in _MOVEMENT_DIMENSIONS for d in by)
        ):
            # each project's achieved result kept ready (``reporting.rollups``): the same figure as
            # the approved reports give below, without adding them up again
            from khuyencong.reporting.models import IndicatorActual

            qs = IndicatorActual.objects.filter(project__in=projects).order_by()
        else:  # approved reports: the sum for a flow, the last value for a running total
            cut = on
            # no ordering: the models' default ordering (by project, by the indicator's content)
            # would join those tables into the grouped query for nothing – at 5 M values, seconds
            qs = ResultReport.objects.filter(project__in=projects, state="approved").order_by()
            if period is not None and period.basis == MOVEMENT:
                qs = qs.filter(period_end__gte=period.start)
                cut = min(period.end, on) if on else period.end
            if cut is not None:
                qs = qs.filter(period_end__lte=cut)
            later = ResultReport.objects.filter(
                project=OuterRef("project"), indicator=OuterRef("indicator"), state="approved"
            ).filter(
                Q(period_end__gt=OuterRef("period_end"))
                | Q(period_end=OuterRef("period_end"), id__gt=OuterRef("id"))
            )
            if cut is not None:
                later = later.filter(period_end__lte=cut)
            qs = qs.filter(Q(indicator__cumulative=False) | ~Exists(later))
        value = "target" if m.side == "planned" else "value"
        if not by:
            rows = [qs.aggregate(v=Sum(value))]
        else:
            rows = list(qs.values(**group).annotate(v=Sum(value)).values(*names, "v"))
        for row in rows:
            key = tuple(row[n] for n in names)
            cells[key][m.name] += Decimal(row["v"] or 0)


# the filters on a beneficiary's place: the establishment's provinces (as the dimensions group them)
_BENEFICIARY_PLACE = {
    "province": "establishment__province",
    "province_now": "establishment__province_now",
    "region": "establishment__province",
    "region_now": "establishment__province_now",
}


def _beneficiary_facts(scope, measures, by, filters, on, cells) -> None:
    """The effect figures of the beneficiaries of the projects the scope reads (whole projects, as
    for the other facts), in the statuses the measures name (on ``on``: the status then). Each
    measure of a figure counts only the beneficiaries that reported both its “before” and its
    “after”. The place filters read the establishment's province, as the dimensions do; the figures
    are not dated, so a period counts by plan year only."""
    period: Period | None = filters.get("period")
    if period is not None and period.basis == MOVEMENT:
        raise ValueError("the effect figures are not dated: choose the period by plan year")
    project_filters = {k: v for k, v in filters.items() if k not in _BENEFICIARY_PLACE}
    condition = _project_condition(scope, project_filters)
    if condition is False:
        return
    qs = ProjectBeneficiary.objects.filter(project__in=Project.objects.filter(condition).values("pk"))
    for name, field_name in _BENEFICIARY_PLACE.items():
        if filters.get(name) is None:
            continue
        if name.startswith("region"):
            qs = qs.filter(**{f"{field_name}__in": _region_units(filters[name])})
        else:
            qs = qs.filter(**{f"{field_name}__in": [_pk(v) for v in _many(filters[name])]})
    if filters.get("decision") is not None:
        qs = qs.filter(project__in=scoped_ledger(scope, {"decision": filters["decision"]}).values("project"))
    figures = {}
    anything = Q(pk__in=[])
    for m in measures:
        reported = Q(**{f"{m.figure}_before__isnull": False, f"{m.figure}_after__isnull": False})
        counted = reported & _status_q(m, on)
        anything |= counted
        if m.side == ms.REPORTING:
            figures[f"v_{m.name}"] = Count("pk", filter=counted)
        else:  # named apart from the fields (“revenue_before” is the measure and the field)
            figures[f"v_{m.name}"] = Sum(f"{m.figure}_{m.side}", filter=counted)
    qs = qs.filter(anything)  # no row for a group where no beneficiary counts
    group = _group_fields(by, ms.BENEFICIARY)
    names = [f"d_{d.name}" for d in by]
    rows = (
        [qs.aggregate(**figures)]
        if not by
        else qs.values(**group).annotate(**figures).values(*names, *figures)
    )
    for row in rows:
        key = tuple(row[n] for n in names)
        for m in measures:
            cells[key][m.name] += _as_int(row[f"v_{m.name}"])


# the dimensions the periodic reports' values are grouped by (the others roll these up: regions)
_PERIODIC_DIMENSIONS = ("province", "province_now", "movement_year")
_PERIODIC_FILTERS = {"province", "province_now", "region", "region_now", "period", "plan_year"}


def _periodic_rows(scope, measures, asked, filters, on, now: dict[int, int]) -> list[dict]:
    """The approved values the measures read (``reporting.extensions.PERIODIC_VALUES``), each with
    its place in both geographies, its regions and the year its period ends, narrowed by the
    filters."""
    from khuyencong.geo.queries import region_map
    from khuyencong.reporting.extensions import PERIODIC_VALUES

    unknown = set(filters) - _PERIODIC_FILTERS
    if unknown:
        raise ValueError(f"the periodic reports cannot be filtered by {sorted(unknown)}")
    for dim in asked:
        if (dims.get(dim.base) if dim.rollup else dim).name not in _PERIODIC_DIMENSIONS:
            raise ValueError(f"{dim.name} does not apply to the periodic reports")
    codes = sorted({m.figure for m in measures})
    regions = {unit: region.pk for unit, region in region_map().items()}
    period: Period | None = filters.get("period")
    wanted = {
        name: {_pk(v) for v in _many(filters[name])}
        for name in ("province", "province_now", "region", "region_now")
        if name in filters
    }
    years = {int(y) for y in _many(filters["plan_year"])} if "plan_year" in filters else None
    rows = []
    for answer in PERIODIC_VALUES.results(scope, codes, on):
        for value in answer:
            row = dict(value)
            row["province_now"] = now.get(row["province"], row["province"])
            row["region"] = regions.get(row["province"])
            row["region_now"] = regions.get(row["province_now"])
            row["movement_year"] = row["period_end"].year
            if any(row[name] not in ids for name, ids in wanted.items()):
                continue
            if years is not None and row["movement_year"] not in years:
                continue
            if period is not None:
                if period.basis == MOVEMENT and not period.start <= row["period_end"] <= period.end:
                    continue
                if period.basis == PLAN and row["movement_year"] not in period.plan_years:
                    continue
            rows.append(row)
    return rows


def _latest_per_province(rows: list[dict], key_of, successors: dict[int, int]) -> list[dict]:
    """The STOCK rule (``measures.py``): in each group, each province's latest approved report, and a
    former province's only until its successor in the same group reported later."""
    latest: dict[tuple, dict] = {}
    for row in rows:
        slot = (key_of(row), row["province"])
        rank = (row["period_end"], row["period_end"] - row["period_start"], row["report"])
        if slot not in latest or rank > latest[slot]["_rank"]:
            latest[slot] = {**row, "_rank": rank}
    kept = []
    for (key, province), row in latest.items():
        successor = successors.get(province, province)
        later = latest.get((key, successor))
        if successor != province and later is not None and later["period_end"] > row["period_end"]:
            continue
        kept.append(row)
    return kept


def _periodic_value(measure: ms.Measure, row: dict) -> int | str:
    if measure.rule == ms.YES:
        return 1 if row["flag"] else 0
    if measure.rule == ms.TEXT:
        return (row["text"] or "").strip()
    if measure.rule == ms.BAND:
        return 1 if row["number"] is not None and ms.in_band(row["number"], measure.band) else 0
    return int(row["number"] or 0)


def _periodic_facts(scope, measures, grouped, asked, filters, on, cells, totals) -> None:
    """The provinces' approved periodic reports: FLOW measures add up the values of the reports of
    the period, the others follow the STOCK rule within each row asked (and, for the total, over the
    whole table: a former province is not counted beside its successor nationally either)."""
    from khuyencong.geo.queries import rollup_map

    successors = rollup_map()  # each province as it was -> the province holding it today
    rows = _periodic_rows(scope, measures, asked, filters, on, successors)
    rollups = {dim.name: dim.rollup() for dim in asked if dim.rollup}

    def asked_key(row: dict) -> tuple:
        return tuple(rollups[dim.name].get(row[dim.base]) if dim.rollup else row[dim.name] for dim in asked)

    def cell(row: dict) -> tuple:
        return tuple(row[dim.name] for dim in grouped)

    for m in measures:
        mine = [row for row in rows if row["code"] == m.figure]
        if m.rule == ms.FLOW:
            for row in mine:
                cells[cell(row)][m.name] += _periodic_value(m, row)
            continue
        for row in _latest_per_province(mine, asked_key, successors):
            cells[cell(row)][m.name] = _add(cells[cell(row)][m.name], _periodic_value(m, row))
        if m.rule == ms.TEXT:
            totals[m.name] = ""
            continue
        totals[m.name] = sum(
            _periodic_value(m, row) for row in _latest_per_province(mine, lambda row: (), successors)
        )


def _add(a, b):
    """Figures add up; texts (a document's number) are listed, each once."""
    if isinstance(a, str) or isinstance(b, str):
        parts = [p for p in (a, b) if isinstance(p, str) and p]
        return "; ".join(dict.fromkeys(parts))
    return a + b


# --- the engine -----------------------------------------------------------------------------------------


def aggregate(
    scope: Scope,
    measures: Sequence[str],
    by: Sequence[str] = (),
    filters: dict | None = None,
    on: datetime.date | None = None,
    labels: bool = True,
) -> Table:
    """The figures ``measures`` for the viewer's ``scope``, one row per combination of ``by``.

    ``filters``: ``plan_year``, ``source``, ``content``, ``province``, ``province_now``, ``region``,
    ``region_now``, ``organisation``, ``organisation_kind``, ``project_kind``, ``status``,
    ``project``, ``decision`` (a value, several, or a queryset of decisions) and ``period`` (a
    :class:`~khuyencong.reporting.dimensions.Period`). ``on``: cut every measure at that date.

    The periodic measures (``measures.PERIODIC``: the provinces' approved periodic reports, given by
    ``reporting.extensions.PERIODIC_VALUES``) take the place filters, ``period`` and ``plan_year``
    (the year a report's period ends) and group by province, region and ``movement_year``."""
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    unknown = set(filters) - KNOWN_FILTERS
    if unknown:
        raise ValueError(f"unknown filters {sorted(unknown)}")
    wanted = [ms.get(name) for name in measures]
    asked = [dims.get(name) for name in by]
    # groupings held as data (regions) are grouped in the database by the province they roll up
    grouped: list[Dimension] = []
    for dim in asked:
        base = dims.get(dim.base) if dim.rollup else dim
        if base not in grouped:
            grouped.append(base)
    cells: dict[tuple, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = {}
    # measures counting projects by their money: each project's sum in each cell, counted after
    # the roll-up, so that a project in two provinces of one region is one project of the region
    project_sums: dict[tuple, dict[int, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    by_fact: dict[str, list[ms.Measure]] = defaultdict(list)
    for m in wanted:
        by_fact[m.fact].append(m)
    if by_fact[ms.LEDGER]:
        _ledger_facts(scope, by_fact[ms.LEDGER], grouped, filters, on, cells, totals, project_sums)
    if by_fact[ms.PROJECTS]:
        _project_facts(scope, by_fact[ms.PROJECTS], grouped, filters, on, cells)
    if by_fact[ms.INDICATOR]:
        _indicator_facts(scope, by_fact[ms.INDICATOR], grouped, filters, on, cells)
    if by_fact[ms.BENEFICIARY]:
        _beneficiary_facts(scope, by_fact[ms.BENEFICIARY], grouped, filters, on, cells)
    if by_fact[ms.PERIODIC]:
        _periodic_facts(scope, by_fact[ms.PERIODIC], grouped, asked, filters, on, cells, totals)

    # from the database's grouping to the one asked (a region adds up its provinces)
    rollups = {dim.name: dim.rollup() for dim in asked if dim.rollup}
    position = {dim.name: i for i, dim in enumerate(grouped)}
    rows: dict[tuple, Row] = {}
    counted: dict[tuple, dict[int, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for key, values in cells.items():
        keys = {}
        for dim in asked:
            if dim.rollup:
                keys[dim.name] = rollups[dim.name].get(key[position[dim.base]])
            else:
                keys[dim.name] = key[position[dim.name]]
        out = tuple(keys.values())
        row = rows.get(out)
        if row is None:
            row = rows[out] = Row(keys, values={m.name: "" if m.rule == ms.TEXT else 0 for m in wanted})
        for name, amount in values.items():
            row.values[name] = _add(row.values[name], amount)
        for project, sums_of in project_sums.get(key, {}).items():
            for name, amount in sums_of.items():
                counted[out][project][name] += amount
    for out, projects in counted.items():
        for sums_of in projects.values():
            for name, amount in sums_of.items():
                rows[out].values[name] += 1 if amount > 0 else 0
    result = sorted(rows.values(), key=lambda r: tuple((v is None, v) for v in r.keys.values()))
    if labels:
        for dim in asked:
            names = dim.labels({r.keys[dim.name] for r in result})
            for row in result:
                row.labels[dim.name] = (
                    names.get(row.keys[dim.name], "") if row.keys[dim.name] is not None else ""
                )
    total = Row(
        {},
        values={
            m.name: "" if m.rule == ms.TEXT else sum((r.values[m.name] for r in result), 0) for m in wanted
        },
    )
    if not by:
        total.values.update(result[0].values if result else {})
    total.values.update(totals)
    return Table(measures=list(measures), by=list(by), rows=result, total=total, on=on)


def _additive(measure: ms.Measure) -> bool:
    """A measure whose figure for a group is the sum of its figures for the group's parts: money, and
    projects counted by their own attributes (a project is in one group of each). Not the projects
    counted by their money (a project split over two cells is one project of both together)."""
    return measure.fact == ms.PROJECTS or (measure.fact == ms.LEDGER and not measure.count_projects)


def aggregate_many(
    scope: Scope,
    measures: Sequence[str],
    groupings: Sequence[Sequence[str]],
    filters: dict | None = None,
    on: datetime.date | None = None,
    labels: bool = True,
) -> list[Table]:
    """The tables of :func:`aggregate` for the same measures, filters and date, one per grouping in
    ``groupings``, from one reading of the facts: they are grouped once by every dimension named,
    and each table adds up those rows to its own grouping – the same figures, to the đồng, as one
    ``aggregate`` per grouping, for the cost of one (a report's table, sub-totals and totals).
    Measures that do not add up from finer rows (projects counted by their money) are asked of
    :func:`aggregate` for each grouping."""
    if not all(_additive(ms.get(name)) for name in measures):
        return [aggregate(scope, measures, grouping, filters, on, labels) for grouping in groupings]
    union: list[str] = []
    for grouping in groupings:
        union += [name for name in grouping if name not in union]
    fine = aggregate(scope, measures, union, filters, on, labels=False)
    tables = []
    for grouping in groupings:
        rows: dict[tuple, Row] = {}
        for source in fine.rows:
            key = tuple(source.keys[name] for name in grouping)
            row = rows.get(key)
            if row is None:
                row = rows[key] = Row(
                    {name: source.keys[name] for name in grouping}, values=dict.fromkeys(measures, 0)
                )
            for m in measures:
                row.values[m] += source.values[m]
        result = sorted(rows.values(), key=lambda r: tuple((v is None, v) for v in r.keys.values()))
        if labels:
            for name in grouping:
                names = dims.get(name).labels({r.keys[name] for r in result})
                for row in result:
                    key = row.keys[name]
                    row.labels[name] = names.get(key, "") if key is not None else ""
        total = Row({}, values={m: sum((r.values[m] for r in result), 0) for m in measures})
        tables.append(Table(measures=list(measures), by=list(grouping), rows=result, total=total, on=on))
    return tables


__all__ = ["KNOWN_FILTERS", "Row", "Table", "aggregate", "projects_with_status", "scoped_ledger"]


def scoped_projects(scope: Scope, filters: dict | None = None) -> QuerySet:
    """The projects a report reads: those of the scope narrowed by the report's filters on the
    project (year, source, content, provinces, regions, …), as the engine narrows its facts."""
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    unknown = set(filters) - KNOWN_FILTERS
    if unknown:
        raise ValueError(f"unknown filters {sorted(unknown)}")
    condition = _project_condition(scope, filters)
    if condition is False:
        return Project.objects.none()
    return Project.objects.filter(condition)


__all__ += ["scoped_projects"]
