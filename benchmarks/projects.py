#!/usr/bin/env python
"""Projects at national scale: the consolidation of a plan year, the plan on a date, the list page.

    .venv/bin/python benchmarks/projects.py --engine postgres --count 300000
    .venv/bin/python benchmarks/projects.py --engine sqlite --count 30000

Fills the benchmark database with synthetic projects over the plan years 2014–2027, each with
about ten ledger entries (requested, counterpart, allocated, amended, advanced, disbursed, settled,
counterpart actual) – 300,000 projects give ≈3 million entries – once, reused on later runs. Then
times the report queries and complete requests through Django (view, scope, template) as a
programme officer (all provinces) and as a provincial officer. Budget: 300 ms median.

The synthetic rows are inserted without audit records (``models.QuerySet.bulk_create`` on the base
class) – they are benchmark data, not business data.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time

from common import configure, measure, prepare_schema, print_table

CONTENTS = [
    "dao-tao-nghe",
    "nang-luc-quan-ly",
    "mo-hinh-may-moc",
    "san-pham-tieu-bieu",
    "tu-van-thong-tin",
    "lien-ket-cum-cn",
    "san-xuat-sach-hon",
    "nang-luc-khuyen-cong",
]
BATCH = 5_000


def fill(count: int) -> None:
    from django.db import connection, models, transaction

    from khuyencong.geo.models import AdministrativeUnit, Level
    from khuyencong.geo.queries import province_now
    from khuyencong.orgs.models import Organisation
    from khuyencong.programmes.models import Content, Programme
    from khuyencong.projects.models import Decision, LedgerEntry, LedgerKind, Project, Status

    existing = Project.objects.count()
    if existing >= count:
        print(f"{existing:,} projects already in the benchmark database")
        return
    rng = random.Random(2026)
    old = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE).valid_on(datetime.date(2020, 1, 1)))
    new = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE).valid_on(datetime.date(2026, 1, 1)))
    now_of = {p.pk: province_now(p).pk for p in old + new}
    contents = [Content.objects.get(code=c).pk for c in CONTENTS]
    programmes = {p.start_year: p for p in Programme.objects.filter(level="national")}
    issuer = Organisation.objects.get(code="bo-cong-thuong")
    org = Organisation.objects.filter(code__startswith="tt-kc-tvptcn").first()
    plain_decisions = models.QuerySet(Decision)
    decisions = {}
    for year in range(2014, 2028):
        for source in ("kcqg", "kcdp"):
            decisions[(year, source)] = plain_decisions.create(
                kind="allocation",
                number=f"BENCH-{year}-{source}",
                date=datetime.date(year - 1, 12, 20),
                signer="bench",
                issuer=issuer,
                plan_year=year,
                source=source,
                title="bench",
                issued_at=datetime.datetime(year - 1, 12, 20, tzinfo=datetime.UTC),
            )
    plain_projects, plain_ledger = models.QuerySet(Project), models.QuerySet(LedgerEntry)
    started = time.perf_counter()
    entries_written = 0
    for offset in range(existing, count, BATCH):
        size = min(BATCH, count - offset)
        projects, shapes = [], []
        for i in range(offset, offset + size):
            year = rng.randint(2014, 2027)
            source = "kcqg" if rng.random() < 0.4 else "kcdp"
            province = rng.choice(old if year <= 2025 else new)
            programme = programmes[max(y for y in programmes if y <= max(year, min(programmes)))]
            status = (
                Status.SETTLED
                if year <= 2024
                else rng.choice(
                    [Status.SUBMITTED, Status.FORWARDED, Status.APPROVED, Status.IN_PROGRESS, Status.SETTLED]
                )
            )
            projects.append(
                Project(
                    code=f"B-{source.upper()}-{year}-{i:07d}",
                    plan_year=year,
                    source=source,
                    programme=programme,
                    content_id=rng.choice(contents),
                    name=f"Đề án thử nghiệm {i}",
                    objectives="bench",
                    implementing_org=org,
                    lead_province=province,
                    lead_province_now_id=now_of[province.pk],
                    start_date=datetime.date(year, 3, 1),
                    end_date=datetime.date(year, 11, 30),
                    status=status,
                    search_text=f"b-{i} de an thu nghiem {i}",
                )
            )
            requested = rng.randint(50, 2_000) * 1_000_000
            shapes.append((year, source, province.pk, requested, status))
        with transaction.atomic():
            created = plain_projects.bulk_create(projects)
            rows = []
            for project, (year, source, province, requested, status) in zip(created, shapes, strict=True):
                plan = requested * rng.choice([80, 90, 100]) // 100
                settled = plan * rng.choice([95, 100]) // 100
                decided = status in (Status.APPROVED, Status.IN_PROGRESS, Status.SETTLED)
                kinds = [
                    (LedgerKind.REQUESTED, requested, datetime.date(year - 1, 5, 10), None),
                    (LedgerKind.COUNTERPART_REQUESTED, requested // 2, datetime.date(year - 1, 5, 10), None),
                ]
                if decided:
                    kinds += [
                        (
                            LedgerKind.ALLOCATED,
                            plan + 10_000_000,
                            datetime.date(year - 1, 12, 20),
                            decisions[(year, source)],
                        ),
                        (
                            LedgerKind.AMENDED,
                            -10_000_000,
                            datetime.date(year, 7, 1),
                            decisions[(year, source)],
                        ),
                        (LedgerKind.ADVANCED, plan // 2, datetime.date(year, 3, 20), None),
                    ]
                if status == Status.SETTLED:
                    kinds += [
                        (LedgerKind.DISBURSED, settled - plan // 2, datetime.date(year, 12, 10), None),
                        (LedgerKind.SETTLED, settled, datetime.date(year, 12, 20), None),
                        (LedgerKind.COUNTERPART_ACTUAL, requested // 2, datetime.date(year, 12, 20), None),
                        (LedgerKind.RECOMMENDED, plan, datetime.date(year - 1, 9, 1), None),
                        (LedgerKind.RECOMMENDED_DOIT, requested, datetime.date(year - 1, 6, 1), None),
                    ]
                for kind, amount, day, decision in kinds:
                    rows.append(
                        LedgerEntry(
                            project_id=project.pk,
                            kind=kind,
                            amount=amount,
                            value_date=day,
                            plan_year=year,
                            source=source,
                            content_id=project.content_id,
                            province_id=province,
                            province_now_id=now_of[province],
                            organisation_id=org.pk if org else None,
                            decision=decision,
                        )
                    )
            plain_ledger.bulk_create(rows, batch_size=10_000)
            entries_written += len(rows)
        done = offset + size - existing
        rate = done / (time.perf_counter() - started)
        print(
            f"\r  {offset + size:,}/{count:,} projects, {entries_written:,} entries ({rate:,.0f} projects/s)",
            end="",
            flush=True,
        )
    print(f"\n  filled {count - existing:,} projects in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:  # the state autovacuum reaches in production
        cursor.execute("ANALYZE")


def run(engine: str, count: int, runs: int) -> None:
    configure(engine)
    prepare_schema()
    fill(count)

    from django.db import connection
    from django.test import Client

    from khuyencong.accounts.models import User
    from khuyencong.core.permissions import get_scope
    from khuyencong.geo.models import AdministrativeUnit, Level
    from khuyencong.projects.models import LedgerEntry, Project
    from khuyencong.projects.queries import consolidation, executed, plan_on, plan_versions
    from khuyencong.projects.services.ledger import money_of
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

    projects, entries = Project.objects.count(), LedgerEntry.objects.count()
    year = 2024
    in_year = Project.objects.filter(plan_year=year).count()
    table = consolidation(national_scope, year, "kcqg", "now")
    print(
        f"\n{connection.vendor}: {projects:,} projects, {entries:,} ledger entries; {in_year:,} in {year}; "
        f"KCQG {year} plan {table.total.value('plan'):,} VND"
    )
    one = Project.objects.filter(plan_year=year, status="settled").first()
    on = datetime.date(year, 6, 30)
    results = [
        measure(
            f"consolidation {year} KCQG by province and content (national)",
            lambda: consolidation(national_scope, year, "kcqg", "now"),
            runs,
        ),
        measure(
            f"consolidation {year} all sources, 63 former provinces (national)",
            lambda: consolidation(national_scope, year, None, "old"),
            runs,
        ),
        measure(
            f"consolidation {year} KCQG (provincial officer, Tuyên Quang)",
            lambda: consolidation(local_scope, year, "kcqg", "now"),
            runs,
        ),
        measure(
            f"plan on 30/06/{year} + decisions + execution (national)",
            lambda: (
                plan_on(national_scope, year, "kcqg", on),
                plan_versions(national_scope, year, "kcqg"),
                executed(national_scope, year, "kcqg"),
            ),
            runs,
        ),
        measure("money of one project (ledger sums)", lambda: money_of(one), runs),
        measure(
            f"page: /de-an/tong-hop/?plan_year={year}&source=kcqg (national)",
            lambda: get(national, "/de-an/tong-hop/", {"plan_year": year, "source": "kcqg"}),
            runs,
        ),
        measure(
            f"page: /de-an/ke-hoach/?plan_year={year} (national)",
            lambda: get(national, "/de-an/ke-hoach/", {"plan_year": year, "source": "kcqg"}),
            runs,
        ),
        measure(
            f"page: /de-an/?plan_year={year} first page (national)",
            lambda: get(national, "/de-an/", {"plan_year": year}),
            runs,
        ),
        measure(
            f"page: /de-an/?plan_year={year} first page (provincial officer)",
            lambda: get(local, "/de-an/", {"plan_year": year}),
            runs,
        ),
        measure("page: home dashboard (national)", lambda: get(national, "/"), runs),
    ]
    print_table(
        f"Projects – {connection.vendor}, {projects:,} projects / {entries:,} entries, {runs} runs each",
        results,
        budget_ms=300,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--count", type=int, default=None, help="projects (default 30,000 SQLite / 300,000 PG)"
    )
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    run(args.engine, args.count or (300_000 if args.engine == "postgres" else 30_000), args.runs)
