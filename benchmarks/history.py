#!/usr/bin/env python
"""Importing the programme's history: ``count`` projects of past plan years and their dated money
movements, from CSV files, through the services – beside the same rows written by hand-written SQL.

    .venv/bin/python benchmarks/history.py                      # SQLite, 50,000 projects
    .venv/bin/python benchmarks/history.py --count 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/khuyencong .venv/bin/python benchmarks/history.py

Writes two files in the templates' columns: the projects (KCQG 2014–2020, the provinces as they
were, their extension centres, training content, one planned result) and the movements (per
project: the allocation decision of its year, the contract, an advance, a payment, the acceptance,
the payment of the rest, the settlement; every tenth project is stopped by the mid-year amendment
and refunds its advance instead) – about seven movements per project. Then, as a programme officer:
``run_import`` of each file – the projects, then the movements one file per plan year (a file
holds at most 200,000 rows) – (check, then write through ``project_record_appraised`` and the
decision and implementation services, audited, in one transaction each). The floor INSERTs the
same projects, budget lines, locations, ledger rows and events with plain ``executemany`` (no
validation, no audit, no decisions): what the database itself costs. Target: the whole history of
50,000 projects < 5 min. Everything runs in one transaction that is rolled back at the end (the
benchmark database keeps nothing).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import os
import resource
import time
from pathlib import Path

from common import ROOT, configure, prepare_schema

TAG = "BH"  # the benchmark's project codes: BH-<year>-<province>-<n>
YEARS = range(2014, 2021)


class Undo(Exception):
    pass


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plan(count: int):
    """The projects: (code, year, province, centre, requested, counterpart, stopped)."""
    from khuyencong.geo.models import AdministrativeUnit, Level
    from khuyencong.orgs.models import Organisation

    centres = {
        o.code: o for o in Organisation.objects.filter(code__startswith="ttkc-", code__endswith="-2008")
    }
    provinces = [
        p
        for p in AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_until__isnull=False).order_by(
            "code"
        )
        if f"ttkc-{p.code}-2008" in centres
    ]
    for i in range(count):
        year = YEARS[i % len(YEARS)]
        province = provinces[(i // len(YEARS)) % len(provinces)]
        requested = (100 + i % 50 * 10) * 1_000_000
        yield (
            f"{TAG}-{year}-{province.code}-{i:06d}",
            year,
            province,
            f"ttkc-{province.code}-2008",
            requested,
            requested // 2,
            i % 10 == 9,
        )


def write_files(folder: Path, count: int) -> tuple[Path, list[Path], int]:
    from django.utils.translation import override

    from khuyencong.exchange.kinds.movements import LABELS, MOVEMENTS
    from khuyencong.exchange.kinds.projects import PROJECTS

    projects_path = folder / f"bench-history-{count}-projects.csv"
    # one movements file per plan year, as a national history is filed (a file holds at most
    # 200,000 rows; a year's allocation decision covers every province's projects of that year)
    movements_paths = {year: folder / f"bench-history-{count}-movements-{year}.csv" for year in YEARS}
    rows = 0
    with contextlib.ExitStack() as files, override("vi"):
        pf = files.enter_context(open(projects_path, "w", newline="", encoding="utf-8"))
        projects = csv.writer(pf)
        projects.writerow([c.title_in("vi") for c in PROJECTS.columns])
        writers = {}
        for year, path in movements_paths.items():
            writers[year] = csv.writer(files.enter_context(open(path, "w", newline="", encoding="utf-8")))
            writers[year].writerow([c.title_in("vi") for c in MOVEMENTS.columns])
        pkeys, mkeys = [c.key for c in PROJECTS.columns], [c.key for c in MOVEMENTS.columns]
        label = {k: str(v) for k, v in LABELS.items()}
        for code, year, province, centre, requested, counterpart, stopped in plan(count):
            projects.writerow(
                [
                    {
                        "code": code,
                        "plan_year": year,
                        "source": "KCQG",
                        "content": "dao-tao-nghe",
                        "kind": "đề án thông thường",
                        "name": f"Đào tạo nghề {code}",
                        "objectives": "Đào tạo lao động nông thôn",
                        "province": province.name,
                        "implementing_org": centre,
                        "start_date": f"01/03/{year}",
                        "end_date": f"15/12/{year}",
                        "filed_on": f"15/06/{year - 1}",
                        "state_support": requested,
                        "counterpart": counterpart,
                        "recommended": requested,
                        "indicator": "lao-dong-dao-tao",
                        "target": 30,
                    }.get(k, "")
                    for k in pkeys
                ]
            )
            advance = requested * 40 // 100
            items = [
                (f"15/01/{year}", "allocation", requested, f"{TAG}-01/QĐ-BCT-{year}", ""),
                (f"01/03/{year}", "contract", requested, f"HĐ {code}", ""),
                (f"20/03/{year}", "advance", advance, f"UNC-TU {code}", ""),
            ]
            if stopped:
                items += [
                    (f"15/07/{year}", "stop", 0, f"{TAG}-02/QĐ-BCT-{year}", "Không đủ vốn đối ứng"),
                    (f"20/08/{year}", "refund", advance, f"NT {code}", ""),
                ]
            else:
                items += [
                    (f"15/05/{year}", "payment", requested * 20 // 100, f"UNC-1 {code}", ""),
                    (f"05/12/{year}", "acceptance", "", f"BB-NT {code}", ""),
                    (
                        f"15/12/{year}",
                        "payment",
                        requested - advance - requested * 20 // 100,
                        f"UNC-2 {code}",
                        "",
                    ),
                    (f"20/12/{year}", "settlement", requested, f"QT {code}", ""),
                ]
            for day, movement, amount, document, note in items:
                values = {
                    "project": code,
                    "date": day,
                    "movement": label[movement],
                    "amount": amount,
                    "document": document,
                    "signer": "Thứ trưởng" if movement in ("allocation", "stop") else "",
                    "note": note,
                }
                writers[year].writerow([values.get(k, "") for k in mkeys])
                rows += 1
    return projects_path, list(movements_paths.values()), rows


def floor(count: int) -> float:
    """The same projects, budget lines, locations, ledger rows and events INSERTed with plain SQL."""
    from django.db import connection

    from khuyencong.orgs.models import Organisation
    from khuyencong.programmes.models import Content, Programme
    from khuyencong.projects.models import BudgetLine, LedgerEntry, Project, ProjectEvent, ProjectLocation

    started = time.perf_counter()
    content = Content.objects.get(code="dao-tao-nghe")
    programme = Programme.objects.get(code="kcqg-2014-2020")
    orgs = {o.code: o.pk for o in Organisation.objects.filter(code__startswith="ttkc-")}

    def insert(model, rows: list[dict]) -> None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            model._meta.db_table,
            ", ".join(connection.ops.quote_name(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        params = []
        for row in rows:
            params.append(
                [
                    f.get_db_prep_save(row[f.attname] if f.attname in row else f.get_default(), connection)
                    for f in fields
                ]
            )
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    now = datetime.datetime.now(datetime.UTC)
    projects = []
    money = []
    for code, year, province, centre, requested, counterpart, stopped in plan(count):
        projects.append(
            {
                "code": "F" + code,
                "plan_year": year,
                "source": "kcqg",
                "programme_id": programme.pk,
                "content_id": content.pk,
                "kind": "ordinary",
                "name": f"Đào tạo nghề {code}",
                "objectives": "Đào tạo lao động nông thôn",
                "description": "",
                "implementing_org_id": orgs[centre],
                "lead_province_id": province.pk,
                "lead_province_now_id": province.pk,
                "start_date": datetime.date(year, 3, 1),
                "end_date": datetime.date(year, 12, 15),
                "status": "stopped" if stopped else "settled",
                "search_text": code.lower(),
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        money.append((year, province.pk, orgs[centre], requested, counterpart, stopped))
    insert(Project, projects)
    ids = dict(Project.objects.filter(code__startswith="F" + TAG).values_list("code", "pk"))
    lines, locations, entries, events = [], [], [], []
    for row, (year, province, org, requested, counterpart, stopped) in zip(projects, money, strict=True):
        pk = ids[row["code"]]
        lines.append(
            {
                "project_id": pk,
                "order": 1,
                "category": "other",
                "item": "Tổng kinh phí",
                "state_support": requested,
                "counterpart": counterpart,
                "created_at": now,
                "updated_at": now,
            }
        )
        locations.append(
            {
                "project_id": pk,
                "province_id": province,
                "province_now_id": province,
                "share_bp": 10_000,
                "created_at": now,
                "updated_at": now,
            }
        )
        advance = requested * 40 // 100
        flows = [
            ("requested", requested, 6),
            ("counterpart_requested", counterpart, 6),
            ("recommended", requested, 6),
            ("allocated", requested, 13),
            ("advanced", advance, 20),
        ]
        if stopped:
            flows += [("amended", -requested, 195), ("refunded", advance, 231)]
        else:
            flows += [
                ("disbursed", requested * 20 // 100, 134),
                ("disbursed", requested - advance - requested * 20 // 100, 348),
                ("settled", requested, 353),
            ]
        for kind, amount, day in flows:
            value_date = datetime.date(year, 1, 1) + datetime.timedelta(days=day)
            entries.append(
                {
                    "project_id": pk,
                    "kind": kind,
                    "amount": amount,
                    "value_date": value_date,
                    "plan_year": year,
                    "source": "kcqg",
                    "content_id": content.pk,
                    "province_id": province,
                    "province_now_id": province,
                    "organisation_id": org,
                    "reference": "",
                    "note": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            events.append(
                {
                    "project_id": pk,
                    "kind": "payment",
                    "on": value_date,
                    "from_status": "",
                    "to_status": "",
                    "note": "",
                    "document": "",
                    "amount": amount,
                    "at": now,
                }
            )
    insert(BudgetLine, lines)
    insert(ProjectLocation, locations)
    insert(LedgerEntry, entries)
    insert(ProjectEvent, events)
    return time.perf_counter() - started


def run(count: int) -> None:
    configure()
    prepare_schema()
    from django.conf import settings
    from django.core.files.base import File
    from django.db import connection, transaction

    from khuyencong.accounts.models import User
    from khuyencong.exchange import services
    from khuyencong.reporting import rollups
    from khuyencong.testing.factories import user_with_role

    settings.MEDIA_ROOT = ROOT / "var" / "bench-media"
    officer = User.objects.filter(username="bench_history").first() or user_with_role(
        "programme_officer", username="bench_history"
    )
    folder = ROOT / "var"
    started = time.perf_counter()
    projects_path, movements_paths, movement_rows = write_files(folder, count)
    print(
        f"wrote {count:,} projects and {movement_rows:,} movements in {time.perf_counter() - started:.1f} s"
    )
    timings = {}
    try:
        with transaction.atomic():
            files = [("projects", "projects", projects_path)]
            files += [("movements", "movements", path) for path in movements_paths]
            for label, kind, path in files:
                with open(path, "rb") as handle:
                    batch = services.batch_create(
                        user=officer, kind=kind, file=File(handle), file_name=path.name
                    )
                begun, cpu = time.perf_counter(), time.process_time()
                batch = services.run_import(batch, dry_run=False)
                wall, used = time.perf_counter() - begun, time.process_time() - cpu
                done = timings.get(label, (0.0, 0.0))
                timings[label] = (done[0] + wall, done[1] + used)
                assert batch.state == "imported", (batch.state, batch.error_count, batch.errors[:5])
                print(f"  {path.name}: {batch.created:,} rows written in {wall:.1f} s", flush=True)
            assert not rollups.differences(), rollups.differences()[:3]
            imported_peak = peak_mb()
            hand = floor(count)
            raise Undo
    except Undo:
        pass
    total = sum(t for t, _cpu in timings.values())
    per = total / count
    print(
        f"\nImport of the history of {count:,} projects ({movement_rows:,} movements) – {connection.vendor} "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    for label, (wall, cpu) in timings.items():
        print(f"  {label + ':':<12} {wall:8.1f} s   (this process's CPU {cpu:.1f} s)")
    target = 300 * count / 50_000
    print(
        f"  together:    {total:8.1f} s   {per * 1000:.1f} ms per project; 50,000 projects ≈ "
        f"{per * 50_000 / 60:.1f} min  target < 5 min  {'ok' if per * 50_000 < 300 else 'OVER'}"
    )
    print(f"  (target scaled to {count:,} projects: {target:.0f} s)")
    print(
        f"  hand-written SQL (INSERT projects, lines, locations, ledger, events): {hand:8.1f} s"
        f"   ratio import ÷ floor {total / hand:,.1f}"
    )
    print(f"  peak memory: {imported_peak:,.0f} MB after the imports, {peak_mb():,.0f} MB after the floor")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50_000)
    run(parser.parse_args().count)
