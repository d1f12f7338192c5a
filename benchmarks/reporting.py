#!/usr/bin/env python
"""National statistics at scale: Appendix 1, Appendix 2, a pivot, an indicator table over a 7-year
phase and the leaders' dashboard – each beside the same aggregation hand-written in SQL (the floor).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/khuyencong .venv/bin/python benchmarks/reporting.py
    .venv/bin/python benchmarks/reporting.py --count 20000            # SQLite (no DATABASE_URL)

(``make benchmark`` runs it with ``tools/run-benchmarks``.)

The data is the product's synthetic national dataset (``khuyencong generate-demo``; the same
projects as ``benchmarks/projects.py``, generated once and reused): 300,000 projects give ≈3 M
ledger entries and ≈5 M indicator values. The phase is 2014–2020 (seven plan years, the ministry's
first phase report), read with a national scope.

Each figure is timed through the product's own code – the catalogue's report builders
(``reporting.catalogue``), ``reporting.pivot.build``, ``reporting.engine.aggregate`` and
``reporting.dashboards.dashboard`` – and, alternately in the same run, the SQL a hand-written
implementation would send for the same content: each table's figures as plain GROUP BY statements,
with the names shown. Targets: appendix and pivot under 1 s median, the dashboard under 500 ms,
ratio ≤ 1.5. Where the engine reads the figures kept ready (``reporting.rollups``: the ledger's
summary, each project's achieved results) the floor reads them too, and the same content written
over the raw facts is timed beside it (the raw-facts floor); the dashboard is timed twice, on a
month's last day (the summary alone) and as seen on the 15th (the summary and the days of the month
from the entries).
"""

from __future__ import annotations

import argparse
import datetime
import os

from common import compare, configure, prepare_schema, print_comparison, sql_runner

FIRST, LAST = 2014, 2020  # a 7-year phase
PLAN_KINDS = "('allocated', 'amended')"
PAID_KINDS = "('advanced', 'disbursed')"
TARGETS = {"appendix": 1000.0, "pivot": 1000.0, "indicator": 1000.0, "dashboard": 500.0}


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


def appendix_1_floor() -> object:
    """The funds by content and source, the counterpart of the standing proposals by content, the
    contents' names and order."""
    from khuyencong.projects.models import FILED

    return sql_runner(
        [
            (
                f"SELECT content_id, source, SUM(amount) FROM projects_ledgerentry "
                f"WHERE plan_year BETWEEN %s AND %s AND kind IN {PLAN_KINDS} GROUP BY content_id, source",
                [FIRST, LAST],
            ),
            (
                "SELECT content_id, SUM(amount) FROM projects_ledgerentry WHERE plan_year BETWEEN %s AND %s "
                "AND kind = 'counterpart_requested' AND project_id IN (SELECT id FROM projects_project "
                f"WHERE plan_year BETWEEN %s AND %s AND status IN {_in(FILED)}) GROUP BY content_id",
                [FIRST, LAST, FIRST, LAST],
            ),
            ('SELECT id, short_name, "order" FROM programmes_content', []),
        ]
    )


def appendix_2_floor() -> object:
    """The funds by province (as it was) and source, by kind of implementing organisation and
    source; the provinces' names and regions; the number of provinces (the mean's divisor)."""
    return sql_runner(
        [
            (
                f"SELECT province_id, source, SUM(amount) FROM projects_ledgerentry "
                f"WHERE plan_year BETWEEN %s AND %s AND kind IN {PLAN_KINDS} GROUP BY province_id, source",
                [FIRST, LAST],
            ),
            (
                "SELECT o.kind, l.source, SUM(l.amount) FROM projects_ledgerentry l "
                "LEFT JOIN orgs_organisation o ON o.id = l.organisation_id "
                f"WHERE l.plan_year BETWEEN %s AND %s AND l.kind IN {PLAN_KINDS} GROUP BY o.kind, l.source",
                [FIRST, LAST],
            ),
            (
                'SELECT m.unit_id, r.id, r.name, r."order", r.code FROM geo_regionmembership m '
                "JOIN geo_region r ON r.id = m.region_id WHERE r.scheme = 'economic'",
                [],
            ),
            ("SELECT id, name FROM geo_administrativeunit WHERE level = 'province'", []),
            (
                "SELECT COUNT(*) FROM geo_administrativeunit WHERE level = 'province' "
                "AND (valid_from IS NULL OR valid_from <= %s) AND (valid_until IS NULL OR valid_until >= %s)",
                [datetime.date(2020, 1, 1), datetime.date(2020, 1, 1)],
            ),
        ]
    )


def pivot_floor() -> object:
    """Province (as it was) × content, the plan of the phase; the names of both."""
    return sql_runner(
        [
            (
                f"SELECT province_id, content_id, SUM(amount) FROM projects_ledgerentry "
                f"WHERE plan_year BETWEEN %s AND %s AND kind IN {PLAN_KINDS} "
                "GROUP BY province_id, content_id",
                [FIRST, LAST],
            ),
            ("SELECT id, name FROM geo_administrativeunit WHERE level = 'province'", []),
            ("SELECT id, short_name FROM programmes_content", []),
        ]
    )


def indicator_floor() -> object:
    """What the projects of the phase achieved, by indicator: the approved reports, the last one
    only for a running total; the indicators' names."""
    return sql_runner(
        [
            (
                "SELECT r.indicator_id, SUM(r.value) FROM projects_resultreport r "
                "JOIN projects_project p ON p.id = r.project_id "
                "JOIN programmes_indicator i ON i.id = r.indicator_id "
                "WHERE r.state = 'approved' AND p.plan_year BETWEEN %s AND %s AND (NOT i.cumulative OR NOT "
                "EXISTS (SELECT 1 FROM projects_resultreport r2 WHERE r2.project_id = r.project_id "
                "AND r2.indicator_id = r.indicator_id AND r2.state = 'approved' AND (r2.period_end > "
                "r.period_end OR (r2.period_end = r.period_end AND r2.id > r.id)))) GROUP BY r.indicator_id",
                [FIRST, LAST],
            ),
            ("SELECT id, name FROM programmes_indicator", []),
        ]
    )


def indicator_rollup_floor() -> object:
    """The same figures from each project's achieved results kept ready (``reporting.rollups``)."""
    return sql_runner(
        [
            (
                "SELECT a.indicator_id, SUM(a.value) FROM reporting_indicatoractual a "
                "WHERE a.project_id IN (SELECT id FROM projects_project WHERE plan_year BETWEEN %s AND %s) "
                "GROUP BY a.indicator_id",
                [FIRST, LAST],
            ),
            ("SELECT id, name FROM programmes_indicator", []),
        ]
    )


def dashboard_rollup_floor(year: int, on: datetime.date) -> object:
    """The dashboard's content by hand from the ledger's summary kept ready (``reporting.rollups``):
    the whole months up to ``on`` from the summary, the days of ``on``'s month before it (if ``on``
    is not the month's last day) from the entries; what counts projects from the entries; the
    projects' lists as in :func:`dashboard_floor`."""
    from django.db import connection

    from khuyencong.projects.models import FILED
    from khuyencong.projects.queries import RUNNING
    from khuyencong.reporting.rollups import month_end, month_start

    whole_until = (
        month_start(on) if on == month_end(on) else month_start(month_start(on) - datetime.timedelta(1))
    )
    edge = [] if on == month_end(on) else [(month_start(on), on)]
    if connection.vendor == "postgresql":
        month = "EXTRACT(YEAR FROM month), EXTRACT(MONTH FROM month)"
        day_month = "EXTRACT(YEAR FROM value_date), EXTRACT(MONTH FROM value_date)"
    else:
        month = "strftime('%%Y', month), strftime('%%m', month)"
        day_month = "strftime('%%Y', value_date), strftime('%%m', value_date)"
    sums = (
        f"SUM(CASE WHEN kind IN {PLAN_KINDS} THEN amount ELSE 0 END), "
        f"SUM(CASE WHEN kind IN {PAID_KINDS} THEN amount ELSE 0 END), "
        "SUM(CASE WHEN kind = 'settled' THEN amount ELSE 0 END)"
    )
    kinds = "('allocated', 'amended', 'advanced', 'disbursed', 'settled')"
    settled = "SELECT id FROM projects_project WHERE plan_year = %s AND status = 'settled'"

    def both(select: str, where: str, params: list, group: str = "", group_edge: str = "") -> list:
        """The statement on the summary's whole months, and on the entries of the days left over."""
        out = [
            (
                f"SELECT {select.replace('@', group)} FROM reporting_ledgerrollup WHERE {where} "
                f"AND month <= %s" + (f" GROUP BY {group}" if group else ""),
                [*params, whole_until],
            )
        ]
        for start, end in edge:
            where_edge = where.replace(
                "status IN", "project_id IN (SELECT id FROM projects_project WHERE status IN"
            )
            where_edge += ")" if where_edge != where else ""
            out.append(
                (
                    f"SELECT {select.replace('@', group_edge)} FROM projects_ledgerentry WHERE {where_edge} "
                    f"AND value_date BETWEEN %s AND %s" + (f" GROUP BY {group_edge}" if group_edge else ""),
                    [*params, start, end],
                )
            )
        return out

    statements = [
        *both(sums, f"plan_year = %s AND kind IN {kinds}", [year]),
        *both(
            "SUM(CASE WHEN kind = 'requested' THEN amount ELSE 0 END), "
            "SUM(CASE WHEN kind = 'counterpart_requested' THEN amount ELSE 0 END)",
            f"plan_year = %s AND kind IN ('requested', 'counterpart_requested') AND status IN {_in(FILED)}",
            [year],
        ),
        *both("SUM(amount)", "plan_year = %s AND kind = 'settled' AND status IN ('settled')", [year]),
        (
            "SELECT COUNT(DISTINCT project_id) FROM projects_ledgerentry WHERE plan_year = %s "
            f"AND value_date <= %s AND kind = 'settled' AND project_id IN ({settled})",
            [year, on, year],
        ),
        (
            f"SELECT COUNT(*) FROM projects_project WHERE plan_year = %s AND status IN {_in(RUNNING)}",
            [year],
        ),
    ]
    for y in (year, year - 1):
        statements += both(f"@, {sums}", f"plan_year = %s AND kind IN {kinds}", [y], month, day_month)
    statements += both(
        f"@, {sums}", f"plan_year = %s AND kind IN {kinds}", [year], "content_id", "content_id"
    )
    statements += both(
        "@, SUM(amount)",
        "plan_year = %s AND kind = 'settled' AND status IN ('settled')",
        [year],
        "content_id",
        "content_id",
    )
    # the content's names and the projects' lists: as by hand from the entries
    statements += dashboard_statements(year, on)[-4:]
    return sql_runner(statements)


def dashboard_floor(year: int, on: datetime.date) -> object:
    return sql_runner(dashboard_statements(year, on))


def dashboard_statements(year: int, on: datetime.date) -> list:
    """The dashboard's content by hand: the key figures (three sums, the running projects), the plan,
    paid and settled by month of this year and last year, the funds by content with what the settled
    projects were settled at, the overdue projects (first 21 and how many) and the running projects
    with their last progress report (at risk or not)."""
    from django.db import connection

    from khuyencong.projects.models import FILED
    from khuyencong.projects.queries import RUNNING

    if connection.vendor == "postgresql":
        month = "EXTRACT(YEAR FROM value_date), EXTRACT(MONTH FROM value_date)"
    else:
        month = "strftime('%%Y', value_date), strftime('%%m', value_date)"
    sums = (
        f"SUM(CASE WHEN kind IN {PLAN_KINDS} THEN amount ELSE 0 END), "
        f"SUM(CASE WHEN kind IN {PAID_KINDS} THEN amount ELSE 0 END), "
        "SUM(CASE WHEN kind = 'settled' THEN amount ELSE 0 END)"
    )
    kinds = "('allocated', 'amended', 'advanced', 'disbursed', 'settled')"
    settled = "SELECT id FROM projects_project WHERE plan_year = %s AND status = 'settled'"
    statements = [
        (
            f"SELECT {sums} FROM projects_ledgerentry WHERE plan_year = %s AND value_date <= %s "
            f"AND kind IN {kinds}",
            [year, on],
        ),
        (
            "SELECT SUM(CASE WHEN kind = 'requested' THEN amount ELSE 0 END), "
            "SUM(CASE WHEN kind = 'counterpart_requested' THEN amount ELSE 0 END) FROM projects_ledgerentry "
            "WHERE plan_year = %s AND value_date <= %s AND kind IN ('requested', 'counterpart_requested') "
            f"AND project_id IN (SELECT id FROM projects_project WHERE plan_year = %s "
            f"AND status IN {_in(FILED)})",
            [year, on, year],
        ),
        (
            "SELECT SUM(amount), COUNT(DISTINCT project_id) FROM projects_ledgerentry WHERE plan_year = %s "
            f"AND value_date <= %s AND kind = 'settled' AND project_id IN ({settled})",
            [year, on, year],
        ),
        (
            f"SELECT COUNT(*) FROM projects_project WHERE plan_year = %s AND status IN {_in(RUNNING)}",
            [year],
        ),
    ]
    for y in (year, year - 1):
        statements.append(
            (
                f"SELECT {month}, {sums} FROM projects_ledgerentry WHERE plan_year = %s AND value_date <= %s "
                f"AND kind IN {kinds} GROUP BY 1, 2",
                [y, on],
            )
        )
    statements += [
        (
            f"SELECT content_id, {sums} FROM projects_ledgerentry WHERE plan_year = %s AND value_date <= %s "
            f"AND kind IN {kinds} GROUP BY content_id",
            [year, on],
        ),
        (
            "SELECT content_id, SUM(amount) FROM projects_ledgerentry WHERE plan_year = %s "
            "AND value_date <= %s "
            f"AND kind = 'settled' AND project_id IN ({settled}) GROUP BY content_id",
            [year, on, year],
        ),
        ('SELECT id, short_name, "order" FROM programmes_content', []),
        (
            "SELECT p.id, p.code, p.name, p.end_date, a.name, c.short_name FROM projects_project p "
            "JOIN geo_administrativeunit a ON a.id = p.lead_province_id "
            "JOIN programmes_content c ON c.id = p.content_id "
            "WHERE p.status IN ('approved', 'in_progress') AND p.end_date < %s "
            "ORDER BY p.end_date, p.code LIMIT 21",
            [on],
        ),
        (
            "SELECT COUNT(*) FROM projects_project WHERE status IN ('approved', 'in_progress') "
            "AND end_date < %s",
            [on],
        ),
        (
            "SELECT p.id, p.code, p.name, p.start_date, p.end_date, a.name, c.short_name, "
            "(SELECT r.percent_done FROM projects_progressreport r WHERE r.project_id = p.id "
            "ORDER BY r.month DESC, r.id DESC LIMIT 1), "
            "(SELECT r.month FROM projects_progressreport r WHERE r.project_id = p.id "
            "ORDER BY r.month DESC, r.id DESC LIMIT 1) FROM projects_project p "
            "JOIN geo_administrativeunit a ON a.id = p.lead_province_id "
            "JOIN programmes_content c ON c.id = p.content_id "
            "WHERE p.status = 'in_progress' AND p.end_date >= %s ORDER BY p.end_date, p.code",
            [on],
        ),
    ]
    return statements


def as_if_today(day: datetime.date, func):
    """``func`` run as if today were ``day`` (the dashboard and the engine read today's date)."""
    from unittest import mock

    def run():
        with mock.patch("django.utils.timezone.localdate", return_value=day):
            return func()

    return run


def measure_floor(floor, runs: int) -> float:
    """The median of ``runs`` timings of a floor (after one warm-up)."""
    import statistics
    import time

    floor()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        floor()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def explain(func) -> None:
    """EXPLAIN ANALYZE of every SELECT ``func`` sends (PostgreSQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        func()
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if not query["sql"].startswith("SELECT"):
                continue
            print(f"\n-- {float(query['time']) * 1000:.1f} ms\n{query['sql']}")
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                print("\n".join(row[0] for row in cursor.fetchall()))


def run(count: int | None, runs: int, refill: bool, show_plans: bool) -> None:
    url = configure()
    prepare_schema()
    count = count or (300_000 if url.startswith("postgres") else 30_000)
    import projects  # the same data set as the projects benchmark

    filled = projects.fill(count, refill)

    from django.db import connection
    from django.utils import timezone

    from khuyencong.core.permissions import Role, Scope
    from khuyencong.projects.models import LedgerEntry, PlannedResult, Project, ResultReport
    from khuyencong.reporting import catalogue, pivot
    from khuyencong.reporting import dimensions as dims
    from khuyencong.reporting.dashboards import dashboard
    from khuyencong.reporting.engine import aggregate

    counts = {
        "projects": Project.objects.count(),
        "ledger entries": LedgerEntry.objects.count(),
        "indicator values": PlannedResult.objects.count() + ResultReport.objects.count(),
    }
    print(f"\n{connection.vendor}: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
    if filled:
        print(f"generated in {filled['seconds']:.0f} s (+ {filled['analyse seconds']:.0f} s VACUUM/ANALYZE)")
    scope = Scope(roles=frozenset({Role.LEADER.value}), national_read=True)
    phase = dims.Period(datetime.date(FIRST, 1, 1), datetime.date(LAST, 12, 31), dims.PLAN)
    params = {"from_year": FIRST, "to_year": LAST}
    today = timezone.localdate()
    year = today.year
    middle = today.replace(day=15) if today.day != 15 else today.replace(day=14)  # within a month
    checks = [
        (
            f"Appendix 1: funds by content, {FIRST}–{LAST}",
            lambda: catalogue.appendix_1(scope, params),
            appendix_1_floor(),
        ),
        (
            f"Appendix 2: by region and province (63), by organisation, {FIRST}–{LAST}",
            lambda: catalogue.appendix_2(scope, {**params, "geography": "63"}),
            appendix_2_floor(),
        ),
        (
            f"pivot: province (63) × content, plan {FIRST}–{LAST}",
            lambda: pivot.build(scope, ["province"], "content", ["plan"], {"period": phase}, geography="63"),
            pivot_floor(),
        ),
        (
            f"indicator table: achieved by indicator, {FIRST}–{LAST}",
            lambda: aggregate(scope, ["indicator_actual"], by=["indicator"], filters={"period": phase}),
            indicator_rollup_floor(),
            indicator_floor(),
        ),
        (
            f"leaders' dashboard {year} (national)",
            lambda: dashboard(scope, year),
            dashboard_rollup_floor(year, today),
            dashboard_floor(year, today),
        ),
        (
            # as it is seen on a day within a month (today here): the month's days from the entries
            f"leaders' dashboard {year} seen on {middle:%d/%m} (national)",
            as_if_today(middle, lambda: dashboard(scope, year)),
            dashboard_rollup_floor(year, middle),
            dashboard_floor(year, middle),
        ),
    ]
    checks = [(label, func, floor, raw[0] if raw else None) for label, func, floor, *raw in checks]
    if show_plans:
        for label, func, _floor, _raw in checks:
            print(f"\n=== {label}")
            explain(func)
    rows = []
    for label, func, floor, raw in checks:
        result = compare(label, func, floor, runs)
        rows.append(result)
        extra = ""
        if raw is not None:  # the floor reads the figures kept ready; the same from the raw facts
            result["raw floor"] = measure_floor(raw, runs)
            extra = f", raw-facts floor {result['raw floor']:.1f} ms"
        print(f"  {label}: {result['page']:.1f} ms, floor {result['floor']:.1f} ms{extra}", flush=True)
    print_comparison(
        f"Reports against the hand-written SQL – {connection.vendor}, {counts['projects']:,} projects, "
        f"{counts['ledger entries']:,} ledger entries, {counts['indicator values']:,} indicator values; "
        f"median of {runs} runs",
        rows,
    )
    print("\nTargets (median): appendix, pivot, indicator table < 1,000 ms; dashboard < 500 ms")
    for r in rows:
        target = TARGETS["dashboard" if "dashboard" in r["label"] else "appendix"]
        verdict = "ok" if r["page"] < target else "OVER TARGET"
        print(f"  {r['label']:<70} {r['page']:>8.1f} ms  {verdict}")
    print("\nWhere the engine reads the figures kept ready (reporting.rollups), the floor reads them too;")
    print("the same content hand-written over the raw facts (ledger entries, result reports):")
    for r in rows:
        if "raw floor" in r:
            print(f"  {r['label']:<70} raw-facts floor {r['raw floor']:>8.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count",
        type=int,
        default=int(os.environ["KC_BENCH_PROJECTS"]) if os.environ.get("KC_BENCH_PROJECTS") else None,
        help="projects (default 30,000 SQLite / 300,000 PostgreSQL; KC_BENCH_PROJECTS)",
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement")
    parser.add_argument("--refill", action="store_true", help="generate the data again")
    parser.add_argument("--explain", action="store_true", help="print the engine's queries and plans")
    args = parser.parse_args()
    run(args.count, args.runs, args.refill, args.explain)
