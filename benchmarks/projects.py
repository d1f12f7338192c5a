#!/usr/bin/env python
"""Projects at national scale: consolidation of a plan year, the plan on a date, list pages, one project.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/khuyencong .venv/bin/python benchmarks/projects.py
    .venv/bin/python benchmarks/projects.py --count 30000        # SQLite (no DATABASE_URL)

(``make benchmark`` runs it with ``tools/run-benchmarks``.)

Fills the benchmark database with the product's synthetic national dataset
(:mod:`khuyencong.projects.synthetic`, the generator of ``khuyencong generate-demo``): projects over
the plan years 2014–2027 in both geographies, every status of the cycle, their decisions, about ten
ledger entries and about sixteen indicator values per project – 300,000 projects give ≈3 million
ledger entries and ≈5 million indicator values. The data is generated once and reused by later runs
with the same ``--count`` (``--refill`` forces a new one).

Then times the report queries (``reporting.reports``, over the engine), ``money_of`` and complete
requests through Django (view, scope, template) as a programme officer (all provinces) and as a
provincial officer (Tuyên Quang), after one warm-up: median and p95. Budget: 300 ms median. Then
compares the home page with the hand-written SQL of the same cards (``common.compare``).
"""

from __future__ import annotations

import argparse
import datetime
import math
import statistics
import time

from common import compare, configure, count_by_hand, prepare_schema, print_comparison, signed_in, sql_runner

BUDGET_MS = 300
SEED = 2026
TODAY = datetime.date(2026, 11, 15)  # the benchmark's “today”: the same data whatever day it runs


# --- the data set: the product's generator (``khuyencong generate-demo``) -------------------------


def fill(count: int, refill: bool) -> dict | None:
    """``count`` synthetic projects (:mod:`khuyencong.projects.synthetic`), generated once and reused."""
    from khuyencong.core.bulk import analyse
    from khuyencong.projects import synthetic
    from khuyencong.projects.models import Project

    existing = Project.objects.count()
    if not refill and existing == count and synthetic.synthetic_projects() == count:
        print(f"{existing:,} benchmark projects already in the database (--refill to generate them again)")
        return None
    if existing:
        print(f"emptying the project tables of the benchmark database ({existing:,} projects)")
    synthetic.wipe()
    generated = synthetic.generate_projects(count, SEED, TODAY, progress=lambda text: print(text, flush=True))
    started = time.perf_counter()
    analyse()
    return {
        **generated.counts,
        "seconds": generated.seconds,
        "analyse seconds": time.perf_counter() - started,
        "statuses": generated.statuses,
    }


# --- timing --------------------------------------------------------------------------------------


def measure(label: str, func, runs: int) -> dict:
    func()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "label": label,
        "median": statistics.median(samples),
        "p95": samples[math.ceil(len(samples) * 0.95) - 1],
        "min": samples[0],
        "max": samples[-1],
    }


def print_table(title: str, results: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'measurement':<66} {'median ms':>10} {'p95 ms':>9} {'min':>7} {'max':>8}")
    for r in results:
        flag = "  ok" if r["median"] < BUDGET_MS else "  OVER BUDGET"
        print(
            f"{r['label']:<66} {r['median']:>10.1f} {r['p95']:>9.1f} {r['min']:>7.1f} {r['max']:>8.1f}{flag}"
        )


def explain(func) -> None:
    """EXPLAIN ANALYZE of every SELECT ``func`` runs (PostgreSQL)."""
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


def home_floor(client, user, scope) -> object:
    """The home page's cards written by hand: session, user, roles (and the province's predecessors
    for a provincial officer); the two project counts; the plan and the settled amount of the year,
    both cut at today (two statements: one joining every entry to its project is seven times slower);
    the establishments (counted as the list counts them); today's provinces; today's organisations."""
    from django.utils import timezone

    from khuyencong.projects.queries import IN_APPRAISAL, RUNNING

    today = timezone.localdate()
    year = today.year
    running = ", ".join(f"'{s}'" for s in RUNNING)
    waiting = ", ".join(f"'{s}'" for s in IN_APPRAISAL)
    statements = signed_in(client, user.pk)
    if scope.national_read:
        where, params = "TRUE", []
        ledger_where, ledger_params = "TRUE", []
        establishments, est_params = "e.status <> 'merged'", []
    else:
        current = sorted(scope.current_read)
        marks = ", ".join(["%s"] * len(current))
        statements.append(
            (f"SELECT predecessor_id FROM geo_succession WHERE successor_id IN ({marks})", current)
        )
        where = (
            f"(p.lead_province_now_id IN ({marks}) OR p.id IN "
            f"(SELECT project_id FROM projects_projectlocation WHERE province_now_id IN ({marks})))"
        )
        params = current + current
        ledger_where = (
            f"l.project_id IN (SELECT p.id FROM projects_project p WHERE p.plan_year = %s AND {where})"
        )
        ledger_params = [year, *params]
        establishments, est_params = f"e.status <> 'merged' AND e.province_now_id IN ({marks})", current
    valid = "(valid_from IS NULL OR valid_from <= %s) AND (valid_until IS NULL OR valid_until >= %s)"
    statements += [
        (
            f"SELECT COUNT(*) FILTER (WHERE p.plan_year = %s AND p.status IN ({running})), "
            f"COUNT(*) FILTER (WHERE p.status IN ({waiting})) FROM projects_project p "
            f"WHERE {where} AND ((p.plan_year = %s AND p.status IN ({running})) OR p.status IN ({waiting}))",
            [year, *params, year],
        ),
        (  # the plan, cut at today
            "SELECT SUM(l.amount) FROM projects_ledgerentry l WHERE l.plan_year = %s "
            f"AND l.kind IN ('allocated', 'amended') AND l.value_date <= %s AND {ledger_where}",
            [year, today, *ledger_params],
        ),
        (  # what the settled projects were settled at, cut at today
            "SELECT SUM(l.amount) FROM projects_ledgerentry l WHERE l.plan_year = %s AND l.kind = 'settled' "
            "AND l.value_date <= %s AND l.project_id IN (SELECT p.id FROM projects_project p "
            f"WHERE p.plan_year = %s AND p.status = 'settled' AND {where})",
            [year, today, year, *params],
        ),
        *count_by_hand(f"FROM establishments_establishment e WHERE {establishments}", est_params),
        (f"SELECT COUNT(*) FROM geo_administrativeunit WHERE level = 'province' AND {valid}", [today, today]),
        (f"SELECT COUNT(*) FROM orgs_organisation WHERE {valid}", [today, today]),
    ]
    return sql_runner(statements)


def run(engine: str | None, count: int | None, runs: int, refill: bool, show_plans: bool) -> None:
    url = configure(engine)
    prepare_schema()
    count = count or (300_000 if url.startswith("postgres") else 30_000)
    filled = fill(count, refill)

    from django.db import connection
    from django.test import Client

    from khuyencong.accounts.models import User
    from khuyencong.core.permissions import get_scope
    from khuyencong.geo.models import AdministrativeUnit, Level
    from khuyencong.projects.models import Decision, DecisionLine, LedgerEntry, Project, ProjectLocation
    from khuyencong.projects.services.ledger import money_of
    from khuyencong.reporting.reports import consolidation, executed, plan_on, plan_versions
    from khuyencong.testing.factories import user_with_role

    tuyen_quang = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="08", valid_from__year=2025)
    officer = User.objects.filter(username="bench_officer").first() or user_with_role(
        "programme_officer", username="bench_officer"
    )
    provincial = User.objects.filter(username="bench_tq").first() or user_with_role(
        "provincial_officer", province=tuyen_quang, username="bench_tq"
    )
    national_scope, local_scope = get_scope(officer), get_scope(provincial)
    national, local = Client(), Client()
    national.force_login(officer)
    local.force_login(provincial)

    def get(client, url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
        return response

    year, on = 2024, datetime.date(2024, 6, 30)
    counts = {
        "projects": Project.objects.count(),
        "locations": ProjectLocation.objects.count(),
        "decisions": Decision.objects.count(),
        "decision lines": DecisionLine.objects.count(),
        "ledger entries": LedgerEntry.objects.count(),
    }
    print(f"\n{connection.vendor}: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
    if filled:
        statuses = ", ".join(f"{s} {n:,}" for s, n in filled["statuses"].most_common())
        print(
            f"generated {filled['projects']:,} projects, {filled['ledger entries']:,} ledger entries and "
            f"{filled['planned results'] + filled['result reports']:,} indicator values in "
            f"{filled['seconds']:.0f} s (+ {filled['analyse seconds']:.0f} s VACUUM/ANALYZE); {statuses}"
        )
    table = consolidation(national_scope, year, "kcqg", "now")
    mine = consolidation(local_scope, year, "kcqg", "now")
    print(
        f"{year}: {Project.objects.filter(plan_year=year).count():,} projects, "
        f"{LedgerEntry.objects.filter(plan_year=year).count():,} entries; KCQG {table.total.proposals:,} "
        f"proposals, plan {table.total.value('plan'):,} VND in {len(table.provinces)} provinces; "
        f"Tuyên Quang {mine.total.proposals:,} proposals"
    )
    one = Project.objects.filter(plan_year=year, status="settled").order_by("id").first()
    checks = [
        (
            f"consolidation {year} KCQG, today's provinces (national)",
            lambda: consolidation(national_scope, year, "kcqg", "now"),
        ),
        (
            f"consolidation {year} all sources, today's provinces (national)",
            lambda: consolidation(national_scope, year, None, "now"),
        ),
        (
            f"consolidation {year} all sources, 63 former provinces (national)",
            lambda: consolidation(national_scope, year, None, "old"),
        ),
        (
            f"consolidation {year} KCQG (provincial officer, Tuyên Quang)",
            lambda: consolidation(local_scope, year, "kcqg", "now"),
        ),
        (
            f"consolidation {year} all sources (provincial officer)",
            lambda: consolidation(local_scope, year, None, "now"),
        ),
        (f"plan_on {year} KCQG on 30/06 (national)", lambda: plan_on(national_scope, year, "kcqg", on)),
        (f"plan_versions {year} KCQG (national)", lambda: plan_versions(national_scope, year, "kcqg")),
        (f"plan_versions {year} all sources (national)", lambda: plan_versions(national_scope, year, None)),
        (f"executed {year} KCQG (national)", lambda: executed(national_scope, year, "kcqg")),
        (
            f"plan_on {year} all sources on 30/06 (provincial officer)",
            lambda: plan_on(local_scope, year, None, on),
        ),
        (
            f"plan_versions {year} all sources (provincial officer)",
            lambda: plan_versions(local_scope, year, None),
        ),
        (f"executed {year} all sources (provincial officer)", lambda: executed(local_scope, year, None)),
        ("money_of(one project) (ledger sums)", lambda: money_of(one)),
        (
            f"page: /de-an/?plan_year={year} first page (national)",
            lambda: get(national, "/de-an/", {"plan_year": year}),
        ),
        (
            f"page: /de-an/?plan_year={year} first page (provincial officer)",
            lambda: get(local, "/de-an/", {"plan_year": year}),
        ),
        (
            f"page: /de-an/tong-hop/?plan_year={year}&source=kcqg (national)",
            lambda: get(national, "/de-an/tong-hop/", {"plan_year": year, "source": "kcqg"}),
        ),
        (
            f"page: /de-an/tong-hop/?plan_year={year}&source=kcqg (provincial)",
            lambda: get(local, "/de-an/tong-hop/", {"plan_year": year, "source": "kcqg"}),
        ),
        (
            f"page: /de-an/ke-hoach/?plan_year={year}&source=kcqg (national)",
            lambda: get(national, "/de-an/ke-hoach/", {"plan_year": year, "source": "kcqg"}),
        ),
        (
            f"page: /de-an/ke-hoach/?plan_year={year} (provincial officer)",
            lambda: get(local, "/de-an/ke-hoach/", {"plan_year": year}),
        ),
        # the home page's cards are of the current plan year
        ("page: / home dashboard (national)", lambda: get(national, "/", {})),
        ("page: / home dashboard (provincial officer)", lambda: get(local, "/", {})),
    ]
    if show_plans:
        for label, func in checks[:5]:
            print(f"\n=== {label}")
            explain(func)
    results = [measure(label, func, runs) for label, func in checks]
    print_table(
        f"Projects – {connection.vendor}, {counts['projects']:,} projects / {counts['ledger entries']:,} "
        f"ledger entries, median and p95 of {runs} runs after one warm-up (budget {BUDGET_MS} ms)",
        results,
    )
    from khuyencong.establishments.models import Establishment

    comparisons = [
        compare(
            "/ home page (national officer)",
            lambda: get(national, "/", {}),
            home_floor(national, officer, national_scope),
            runs,
        ),
        compare(
            "/ home page (provincial officer, Tuyên Quang)",
            lambda: get(local, "/", {}),
            home_floor(local, provincial, local_scope),
            runs,
        ),
    ]
    print_comparison(
        f"Home page against the hand-written SQL – {connection.vendor}, {counts['projects']:,} projects, "
        f"{Establishment.objects.count():,} establishments, same run, median of {runs}",
        comparisons,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--engine", choices=["sqlite", "postgres"], default=None, help="default: from DATABASE_URL"
    )
    parser.add_argument(
        "--count", type=int, default=None, help="projects (default 30,000 SQLite / 300,000 PostgreSQL)"
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per measurement (≥15)")
    parser.add_argument("--refill", action="store_true", help="generate the data again")
    parser.add_argument("--explain", action="store_true", help="print the consolidation queries' plans")
    args = parser.parse_args()
    run(
        args.engine,
        args.count,
        args.runs,
        args.refill,
        args.explain,
    )
