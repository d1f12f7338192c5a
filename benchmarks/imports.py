#!/usr/bin/env python
"""Importing establishments from Excel: dry run, import, peak memory – beside the same rows written
by hand-written SQL in the same run.

    .venv/bin/python benchmarks/imports.py                     # SQLite, 100,000 rows
    .venv/bin/python benchmarks/imports.py --count 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/khuyencong .venv/bin/python benchmarks/imports.py

Writes an .xlsx of ``count`` new establishments in the template's columns (communes of today's
geography, valid tax codes), then, as a programme officer: ``run_import(dry_run=True)`` (read,
check every row through the services' validation – set-wise, ``establishments_check`` – write
nothing), and ``batch_confirm`` (check again – the rows checked are kept in a temporary file – then write them
as checked through the services' ``EstablishmentWriter``: one insert per set of rows with its audit
records, an audit record per row, ``COPY`` on PostgreSQL, in one transaction; the tax code's unique
constraint catches a code registered meanwhile). The floor reads the same file with calamine and INSERTs the rows with one plain
``executemany`` – no validation, no audit: what the database itself costs. Peak memory is the
process's resident set (``resource.getrusage``), before and after. Beside each wall-clock time the
process's CPU time: on a machine shared with other work, the wall clock also counts the waiting. Targets: import < 60 s, dry run
< 30 s, peak < 500 MB. The rows are deleted afterwards (by their name prefix).
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from common import ROOT, configure, prepare_schema

PREFIX = "BENCH-IMPORT "


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_file(path: Path, count: int) -> None:
    from django.utils.translation import override

    from khuyencong.core.spreadsheets import Workbook
    from khuyencong.establishments.validators import tax_code_for
    from khuyencong.exchange.kinds.establishments import ESTABLISHMENTS
    from khuyencong.geo.models import AdministrativeUnit, Level

    communes = list(
        AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_from__gte="2025-07-01").select_related(
            "parent"
        )[:3000]
    )
    book = Workbook(str(path), in_memory=False, constant_memory=True)
    sheet = book.add_worksheet("Dữ liệu")
    with override("vi"):
        book.write_row(sheet, 0, 0, [c.title_in("vi") for c in ESTABLISHMENTS.columns])
    keys = [c.key for c in ESTABLISHMENTS.columns]
    serial = 123_000_000
    for i in range(count):
        while not _valid(tax_code_for(serial)):  # a serial whose check digit would be 10 has no code
            serial += 1
        code, serial = tax_code_for(serial), serial + 1
        commune = communes[i % len(communes)]
        values = {
            "tax_code": code,
            "name": f"{PREFIX}Công ty TNHH Gốm sứ {i}",
            "kind": "doanh nghiệp siêu nhỏ",
            "representative": "Nguyễn Văn An",
            "address": f"Thôn {i % 20 + 1}",
            "province": commune.province().name,
            "commune": commune.full_name,
            "address_as_of": "01/08/2025",
            "women_owned": "Có" if i % 3 == 0 else "Không",
            "vsic_code": "2393",
            "products": "Gốm sứ mỹ nghệ",
            "employees": 5 + i % 40,
            "phone": "0912345678",
            "status": "đang hoạt động",
        }
        book.write_row(sheet, i + 1, 0, [values.get(k, "") for k in keys])
    book.close()


def _valid(code: str) -> bool:
    from django.core.exceptions import ValidationError

    from khuyencong.establishments.validators import normalise_tax_code

    try:
        return normalise_tax_code(code) == code
    except ValidationError:
        return False


def cleanup() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM establishments_establishment WHERE name LIKE %s", [PREFIX + "%"])


def floor(path: Path) -> float:
    """Read the file and INSERT its rows with plain SQL (no validation, no audit)."""
    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    from khuyencong.geo.models import AdministrativeUnit, Level

    started = time.perf_counter()
    units = {
        (u.parent.name if u.parent else "", u.full_name): u
        for u in AdministrativeUnit.objects.filter(
            level=Level.COMMUNE, valid_from__gte="2025-07-01"
        ).select_related("parent")
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM establishments_sectordivision WHERE code = '23'")
        division = cursor.fetchone()[0]
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = iter(sheet.iter_rows())
    next(rows)
    params = []
    for cells in rows:
        unit = units[(cells[13], cells[14])]
        params.append(
            (
                cells[1],
                "micro",
                cells[0],
                "Nguyễn Văn An",
                cells[12],
                unit.pk,
                unit.parent_id,
                unit.parent_id,
                "2025-08-01",
                "2393",
                division,
                "C",
                cells[22],
                int(cells[23]),
                "active",
                cells[1].lower(),
                cells[1].lower(),
                1,
            )
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO establishments_establishment (name, kind, tax_code, representative, address, commune_id, "
            "province_id, province_now_id, address_as_of, vsic_code, division_id, section, products, employees, status, "
            "search_text, name_key, version, other_names, registration_number, "
            "representative_title, women_owned, ethnic_minority_owned, artisan_title, in_craft_village, craft_village, "
            "craft_village_recognised, is_handicraft, phone, email, note) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', '', '', "
            "false, false, '', false, '', false, false, '', '', '')",
            params,
        )
    return time.perf_counter() - started


def run(count: int) -> None:
    configure()
    prepare_schema()
    from django.conf import settings
    from django.core.files.base import File

    from khuyencong.accounts.models import User
    from khuyencong.exchange import services
    from khuyencong.testing.factories import user_with_role

    settings.MEDIA_ROOT = ROOT / "var" / "bench-media"
    officer = User.objects.filter(username="bench_importer").first() or user_with_role(
        "programme_officer", username="bench_importer"
    )
    path = ROOT / "var" / f"bench-import-{count}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        write_file(path, count)
        print(
            f"wrote {path.name} ({path.stat().st_size / 2**20:.1f} MB) in {time.perf_counter() - started:.1f} s"
        )
    cleanup()
    before = peak_mb()
    with open(path, "rb") as handle:
        batch = services.batch_create(
            user=officer, kind="establishments", file=File(handle), file_name=path.name
        )
    started, cpu = time.perf_counter(), time.process_time()
    batch = services.run_import(batch, dry_run=True)
    dry, dry_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert batch.state == "checked", batch.errors[:5]
    after_dry = peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    batch = services.batch_confirm(user=officer, batch=batch)
    imported, imported_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert batch.state == "imported" and batch.created == count, (batch.state, batch.errors[:5])
    after = peak_mb()
    cleanup()
    hand = floor(path)
    cleanup()
    from django.db import connection

    print(
        f"\nImport of {count:,} establishments from Excel – {connection.vendor} (load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"  dry run (read + check every row):      {dry:8.1f} s   target < 30 s  {'ok' if dry < 30 else 'OVER'}"
        f"   (this process's CPU {dry_cpu:.1f} s)"
    )
    print(
        f"  import (check again + write + audit):  {imported:8.1f} s   target < 60 s  {'ok' if imported < 60 else 'OVER'}"
        f"   (this process's CPU {imported_cpu:.1f} s)"
    )
    print(
        f"  hand-written SQL (read + INSERT):      {hand:8.1f} s   ratio import ÷ floor {imported / hand:,.1f}"
    )
    print(
        f"  peak memory: {before:,.0f} MB before, {after_dry:,.0f} MB after the dry run, {after:,.0f} MB after the import"
        f"   target < 500 MB  {'ok' if after < 500 else 'OVER'}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    run(parser.parse_args().count)
