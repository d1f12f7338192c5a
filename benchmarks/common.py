"""Shared set-up for benchmarks: a separate database, Django configured, timing helpers, and the
comparison of each page with the hand-written SQL that produces the same content.

The database comes from the usual variable, ``DATABASE_URL``: PostgreSQL when it names one, SQLite
otherwise. A benchmark never touches that database itself: on PostgreSQL it uses the database of the
same name with ``_bench`` appended on the same server (``…/kc_home`` → ``…/kc_home_bench``, created
when missing; a name already ending in ``_bench`` is used as it is); on SQLite ``var/bench.sqlite3``.

**The floor.** Next to each page, the benchmark times the SQL a hand-written implementation would send
for the same content – the session and the user with their roles (every signed-in page needs
them), the rows shown with the names they show, and each figure (counts, sums) written as one plain
SQL statement – through the same connection, in the same run. The ratio page ÷ floor is what the
framework (middleware, ORM, forms, templates) adds; the target is ≤ 1.5.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def bench_url(engine: str | None = None) -> str:
    """The benchmark database's URL, from ``DATABASE_URL`` (see the module's docstring)."""
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith(("postgres://", "postgresql://"))
    if engine == "postgres" and not postgres:
        url, postgres = "postgres://postgres@127.0.0.1:5432/khuyencong", True
    if postgres and engine != "sqlite":
        base, _slash, name = url.rpartition("/")
        name, _q, query = name.partition("?")
        if not name.endswith("_bench"):
            name = f"{name or 'khuyencong'}_bench"
        return f"{base}/{name}" + (f"?{query}" if query else "")
    (ROOT / "var").mkdir(exist_ok=True)
    return f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"


def configure(engine: str | None = None) -> str:
    """Point Django at the benchmark database (``engine`` "sqlite"/"postgres" overrides the choice
    ``DATABASE_URL`` makes)."""
    url = bench_url(engine)
    if url.startswith("postgres"):
        _ensure_pg_database(url.split("?")[0])
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("KC_PROFILE", "development")
    os.environ["KC_DEBUG"] = "0"  # no per-request query log
    os.environ["KC_LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    import django

    django.setup()
    from django.db import connection

    print(f"benchmark database: {connection.vendor} {connection.settings_dict['NAME']}")
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


# --- the hand-written floor ------------------------------------------------------------------------


def sql_runner(statements):
    """A function that sends ``statements`` – ``[(sql, params)]`` or callables returning more of
    them from the previous results – and reads every row, on Django's connection (no ORM)."""
    from django.db import connection

    def run():
        results = []
        with connection.cursor() as cursor:
            for item in statements:
                batch = item(results) if callable(item) else [item]
                for sql, params in batch:
                    cursor.execute(sql, params)
                    results.append(cursor.fetchall())
        return results

    return run


def signed_in(client, user_id: int) -> list:
    """What every signed-in page reads first: the session, the user, the user's role assignments."""
    from django.conf import settings
    from django.utils import timezone

    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [
        (
            "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s",
            [key, timezone.now()],
        ),
        ("SELECT * FROM accounts_user WHERE id = %s", [user_id]),
        (
            "SELECT r.role, r.province_id, r.organisation_id, p.name FROM accounts_roleassignment r "
            "LEFT JOIN geo_administrativeunit p ON p.id = r.province_id WHERE r.user_id = %s "
            "AND (r.valid_from IS NULL OR r.valid_from <= %s) "
            "AND (r.valid_until IS NULL OR r.valid_until >= %s)",
            [user_id, timezone.localdate(), timezone.localdate()],
        ),
    ]


def count_by_hand(from_where: str, params: list, limit: int | None = None) -> list:
    """The list's count as the pages show it (exact up to the limit, PostgreSQL's estimate above),
    written by hand: ``from_where`` is ``FROM … WHERE …``."""
    from django.db import connection

    from khuyencong.core.counting import exact_limit

    limit = exact_limit() if limit is None else limit
    if connection.vendor != "postgresql":
        return [(f"SELECT COUNT(*) {from_where}", params)]
    bounded = f"SELECT COUNT(*) FROM (SELECT 1 {from_where} LIMIT {limit + 1}) t"

    def estimate(results):
        if results[-1][0][0] <= limit:
            return []
        return [(f"EXPLAIN (FORMAT JSON) SELECT 1 {from_where}", params)]

    return [(bounded, params), estimate]


def compare(label: str, page, floor, runs: int) -> dict:
    """Time the page and its floor alternately in the same run; the ratio of the medians."""
    for _ in range(2):
        page()
        floor()
    pages, floors = [], []
    for _ in range(runs):
        start = time.perf_counter()
        page()
        pages.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        floor()
        floors.append((time.perf_counter() - start) * 1000)
    page_ms, floor_ms = statistics.median(pages), statistics.median(floors)
    return {"label": label, "page": page_ms, "floor": floor_ms, "ratio": page_ms / floor_ms}


def print_comparison(title: str, rows: list[dict], target: float = 1.5) -> None:
    print(f"\n{title}")
    print(f"{'page (median of the runs)':<62} {'page ms':>8} {'floor ms':>9} {'ratio':>6}")
    for r in rows:
        flag = "  ok" if r["ratio"] <= target else f"  above {target}"
        print(f"{r['label']:<62} {r['page']:>8.1f} {r['floor']:>9.1f} {r['ratio']:>6.2f}{flag}")


BARE_PATH = "/__bench__/signed-in/"


def _bare_view(request):
    """A signed-in page with nothing on it: the session, the user and the roles read (as every
    page reads them), one line of HTML written by hand, no template, form or list."""
    from django.http import HttpResponse

    from khuyencong.core.permissions import get_scope

    scope = get_scope(request.user)
    return HttpResponse(f"<!doctype html><p>{request.user.username} {sorted(scope.roles)}</p>")


def framework_cost(client, user_id: int, runs: int) -> dict:
    """What Django itself costs on every signed-in page, set beside the hand-written floor: the bare
    page above (request, the product's 14 middleware, session, user, scope, response) against its
    three statements sent by hand. A page can be no closer to its floor than ``floor + this
    difference``; the comparison tables print it next to the 1.5× budget."""
    import types

    from django.conf import settings
    from django.test.utils import override_settings
    from django.urls import include, path

    module = types.ModuleType("kc_bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(BARE_PATH.strip("/") + "/", _bare_view),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[module.__name__] = module

    def page():
        response = client.get(BARE_PATH)
        assert response.status_code == 200, response.status_code

    with override_settings(ROOT_URLCONF=module.__name__):
        result = compare(
            "a signed-in page with nothing on it (session, user, roles)",
            page,
            sql_runner(signed_in(client, user_id)),
            runs,
        )
    result["overhead"] = result["page"] - result["floor"]
    return result


def print_budget(framework: dict, rows: list[dict], target: float = 1.5) -> None:
    """For each compared page: the time the target leaves above its floor, beside what Django takes
    above the floor on a page with nothing on it."""
    print(
        f"\nDjango's own cost on a signed-in page: {framework['page']:.1f} ms against "
        f"{framework['floor']:.1f} ms of SQL, {framework['overhead']:.1f} ms above it "
        f"(ratio {framework['ratio']:.2f})"
    )
    print(f"{'page':<62} {'target leaves':>14} {'Django alone':>13}")
    for r in rows:
        leaves = r["floor"] * (target - 1)
        print(f"{r['label']:<62} {leaves:>11.1f} ms {framework['overhead']:>10.1f} ms")
