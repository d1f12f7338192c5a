#!/usr/bin/env python
"""Establishment registry at national scale: accent-insensitive search and the filtered list page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/khuyencong .venv/bin/python benchmarks/establishments.py
    .venv/bin/python benchmarks/establishments.py --count 100000        # SQLite (no DATABASE_URL)

(``make benchmark`` runs it with ``tools/run-benchmarks``.)

Fills the benchmark database with synthetic establishments (once; reused on later runs), then
times complete requests through Django (view, scope, filters, count, template) with the test
client, as a programme officer (all provinces) and as a provincial officer. Budget: 200 ms median.
Then compares the list pages with the hand-written SQL of the same content (``common.compare``).

The synthetic rows come from the product's generator (``khuyencong generate-demo``), without audit
records – they are benchmark data, not business data.
"""

from __future__ import annotations

import argparse
import time

from common import (
    compare,
    configure,
    count_by_hand,
    framework_cost,
    measure,
    prepare_schema,
    print_budget,
    print_comparison,
    print_table,
    signed_in,
    sql_runner,
)

SEED = 2025


def fill(count: int) -> None:
    """The registry grown to ``count`` synthetic establishments (:mod:`khuyencong.establishments.synthetic`,
    the generator of ``khuyencong generate-demo``), once; reused on later runs."""
    from django.db import connection, transaction

    from khuyencong.establishments.models import Establishment
    from khuyencong.establishments.synthetic import generate_establishments

    existing = Establishment.objects.count()
    if existing >= count:
        print(f"{existing:,} establishments already in the benchmark database")
        return
    started = time.perf_counter()
    with transaction.atomic():
        generate_establishments(count, SEED, first=existing, progress=lambda t: print(t, flush=True))
    print(f"  filled {count - existing:,} rows in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:  # the state autovacuum reaches in production
        cursor.execute(
            "VACUUM ANALYZE establishments_establishment" if connection.vendor == "postgresql" else "ANALYZE"
        )


ROWS_SQL = """
SELECT e.id, e.name, e.tax_code, e.kind, c.full_name, p.name, pn.name, e.vsic_code,
       substr(e.products, 1, 80), e.employees, e.status
FROM establishments_establishment e
JOIN geo_administrativeunit c ON c.id = e.commune_id
JOIN geo_administrativeunit p ON p.id = e.province_id
LEFT JOIN geo_administrativeunit pn ON pn.id = e.province_now_id
WHERE {where}
ORDER BY e.name, e.id
LIMIT 50"""


def floors(national, local, officer, provincial, tuyen_quang) -> dict:
    """The hand-written SQL of each compared page: session, user, roles; the filter form's choices
    (provinces, sections, divisions); the 50 rows; the count as the header shows it."""
    from khuyencong.core.text import fold

    choices = [
        (
            "SELECT id, name, valid_from, valid_until FROM geo_administrativeunit WHERE level = 'province' "
            "ORDER BY valid_from DESC, name",
            [],
        ),
        ("SELECT id, code, name FROM establishments_sectorsection ORDER BY code", []),
        ("SELECT id, code, name FROM establishments_sectordivision ORDER BY code", []),
    ]
    live = "e.status <> 'merged'"
    mine = f"{live} AND e.province_now_id = %s"
    words = fold("gom su quang vinh").split()
    search = live + "".join(" AND e.search_text LIKE %s" for _ in words)
    patterns = [f"%{w}%" for w in words]
    scope_of_province = [  # the provincial officer's scope: the province and those merged into it
        (
            "SELECT predecessor_id FROM geo_succession WHERE successor_id = %s",
            [tuyen_quang.pk],
        )
    ]
    return {
        "national": sql_runner(
            signed_in(national, officer.pk)
            + choices
            + [(ROWS_SQL.format(where=live), [])]
            + count_by_hand(f"FROM establishments_establishment e WHERE {live}", [])
        ),
        "provincial": sql_runner(
            signed_in(local, provincial.pk)
            + scope_of_province
            + choices
            + [(ROWS_SQL.format(where=mine), [tuyen_quang.pk])]
            + count_by_hand(f"FROM establishments_establishment e WHERE {mine}", [tuyen_quang.pk])
        ),
        "search": sql_runner(
            signed_in(national, officer.pk)
            + choices
            + [(ROWS_SQL.format(where=search), patterns)]
            + count_by_hand(f"FROM establishments_establishment e WHERE {search}", patterns)
        ),
    }


def run(engine: str | None, count: int | None, runs: int) -> None:
    url = configure(engine)
    prepare_schema()
    count = count or (1_000_000 if url.startswith("postgres") else 100_000)
    fill(count)

    from django.db import connection
    from django.test import Client

    from khuyencong.establishments.models import Establishment, SectorSection
    from khuyencong.establishments.queries import search
    from khuyencong.geo.models import AdministrativeUnit, Level
    from khuyencong.testing.factories import user_with_role

    tuyen_quang = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="08", valid_from__year=2025)
    ha_giang = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="02")
    manufacturing = SectorSection.objects.get(code="C")
    from khuyencong.accounts.models import User

    officer = User.objects.filter(username="bench_officer").first() or user_with_role(
        "programme_officer", username="bench_officer"
    )
    provincial = User.objects.filter(username="bench_tq").first() or user_with_role(
        "provincial_officer", province=tuyen_quang, username="bench_tq"
    )
    national, local = Client(), Client()
    national.force_login(officer)
    local.force_login(provincial)

    def get(client, url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)
        return response

    total = Establishment.objects.count()
    hits = search(Establishment.objects.all(), "Gom su Quang Vinh").count()
    print(f"\n{connection.vendor}: {total:,} establishments; “Gom su Quang Vinh” matches {hits:,}")
    results = [
        measure(
            "search query only: “Gom su Quang Vinh”, first 50 rows",
            lambda: list(
                search(Establishment.objects.all(), "Gom su Quang Vinh").order_by("name", "id")[:50]
            ),
            runs,
        ),
        measure(
            "page: /co-so/?q=gom su quang vinh (national officer)",
            lambda: get(national, "/co-so/", {"q": "gom su quang vinh"}),
            runs,
        ),
        measure(
            "page: /co-so/?q=gom su quang vinh (provincial officer)",
            lambda: get(local, "/co-so/", {"q": "gom su quang vinh"}),
            runs,
        ),
        measure(
            "page: filtered list – Tuyên Quang (2025) + household + section C",
            lambda: get(
                national,
                "/co-so/",
                {"province": tuyen_quang.pk, "kind": "household", "section": manufacturing.pk},
            ),
            runs,
        ),
        measure(
            "page: filtered list – former Hà Giang, sorted by employees",
            lambda: get(national, "/co-so/", {"province": ha_giang.pk, "sort": "-employees"}),
            runs,
        ),
        measure(
            "page: whole list, first page (provincial officer, own province)",
            lambda: get(local, "/co-so/"),
            runs,
        ),
        measure("page: whole national list, first page", lambda: get(national, "/co-so/"), runs),
        measure(
            "API: /api/v1/establishments/?q=quang vinh&page_size=50",
            lambda: get(national, "/api/v1/establishments/", {"q": "quang vinh", "page_size": 50}),
            runs,
        ),
    ]
    print_table(
        f"Establishments – {connection.vendor}, {total:,} rows, {runs} runs each", results, budget_ms=200
    )
    floor = floors(national, local, officer, provincial, tuyen_quang)
    comparisons = [
        compare(
            "/co-so/ whole national list, first page",
            lambda: get(national, "/co-so/"),
            floor["national"],
            runs,
        ),
        compare(
            "/co-so/ whole list, provincial officer (own province)",
            lambda: get(local, "/co-so/"),
            floor["provincial"],
            runs,
        ),
        compare(
            "/co-so/?q=gom su quang vinh (national officer)",
            lambda: get(national, "/co-so/", {"q": "gom su quang vinh"}),
            floor["search"],
            runs,
        ),
    ]
    framework = framework_cost(national, officer.pk, runs)
    print_comparison(
        f"Establishment list pages against the hand-written SQL – {connection.vendor}, {total:,} rows, "
        f"same run, median of {runs}",
        [*comparisons, framework],
    )
    print_budget(framework, comparisons)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--engine", choices=["sqlite", "postgres"], default=None, help="default: from DATABASE_URL"
    )
    parser.add_argument(
        "--count", type=int, default=None, help="rows (default 100,000 SQLite / 1,000,000 PG)"
    )
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    run(args.engine, args.count, args.runs)
