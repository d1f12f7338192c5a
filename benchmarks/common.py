"""Shared set-up for benchmarks: a separate database, Django configured, timing helpers.

A benchmark never touches the development database: it uses ``var/bench.sqlite3`` or the
PostgreSQL database ``khuyencong_bench`` (created when missing).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def configure(engine: str) -> str:
    """Point Django at the benchmark database of ``engine`` ("sqlite" or "postgres")."""
    if engine == "postgres":
        base = os.environ.get("KC_BENCH_PG", "postgres://postgres@127.0.0.1:5432/khuyencong_bench")
        _ensure_pg_database(base)
        url = base
    else:
        (ROOT / "var").mkdir(exist_ok=True)
        url = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("KC_PROFILE", "development")
    os.environ["KC_DEBUG"] = "0"  # no per-request query log
    os.environ["KC_LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    import django

    django.setup()
    return url


def _ensure_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare_schema() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from khuyencong.geo.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        call_command("load_reference", verbosity=0)
    call_command("load_reference", verbosity=0)


def measure(label: str, func, runs: int = 30, warmup: int = 3) -> dict:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    result = {
        "label": label,
        "median": statistics.median(samples),
        "p90": samples[int(len(samples) * 0.9) - 1],
        "min": samples[0],
        "max": samples[-1],
        "runs": runs,
    }
    return result


def print_table(title: str, results: list[dict], budget_ms: float | None = None) -> None:
    print(f"\n{title}")
    print(f"{'measurement':<62} {'median ms':>10} {'p90 ms':>9} {'min':>7} {'max':>8}")
    for r in results:
        flag = ""
        if budget_ms is not None:
            flag = "  ok" if r["median"] < budget_ms else "  OVER BUDGET"
        print(
            f"{r['label']:<62} {r['median']:>10.1f} {r['p90']:>9.1f} {r['min']:>7.1f} {r['max']:>8.1f}{flag}"
        )
