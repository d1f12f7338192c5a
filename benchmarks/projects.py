#!/usr/bin/env python
"""Projects at national scale: consolidation of a plan year, the plan on a date, list pages, one project.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/khuyencong .venv/bin/python benchmarks/projects.py
    .venv/bin/python benchmarks/projects.py --count 30000        # SQLite (no DATABASE_URL)

(``make benchmark`` runs it with ``tools/run-benchmarks``.)

Fills the benchmark database with synthetic projects over the plan years 2014–2027 – KCQG and
KCĐP, the twelve programme contents (the two of Decree 235/2025 from 2026), the 63 former provinces
up to 2025 and the 34 provinces after, every status of the cycle – with their locations, the
allocation and amendment decisions of each year (national for KCQG, one per province for KCĐP) and
their lines, and about ten ledger entries per project (requested, counterpart, recommended by the
DOIT and by the council, allocated, amended, advance, payments, settled, refunded, counterpart
spent): 300,000 projects give ≈3 million entries. The data is generated once and reused by later
runs with the same ``--count`` (``--refill`` forces a new one).

The synthetic rows are written without audit records – COPY on PostgreSQL, ``executemany`` on
SQLite, the base ``QuerySet.bulk_create`` for the few decisions – they are benchmark data, not
business data. Ledger entries are written in value-date order, as the application writes them over
the years, so that a plan year's entries lie together on disk as they would in production.

Then times the report queries (``reporting.reports``, over the engine), ``money_of`` and complete
requests through Django (view, scope, template) as a programme officer (all provinces) and as a
provincial officer (Tuyên Quang), after one warm-up: median and p95. Budget: 300 ms median. Then
compares the home page with the hand-written SQL of the same cards (``common.compare``).
"""

from __future__ import annotations

import argparse
import datetime
import math
import random
import statistics
import time
import uuid
from collections import Counter, defaultdict
from operator import itemgetter

from common import compare, configure, count_by_hand, prepare_schema, print_comparison, signed_in, sql_runner

YEARS = range(2014, 2028)
MERGED = 2026  # first plan year filed in the 34 provinces of 2025
BUDGET_MS = 300
MARKER = "Benchmark data (benchmarks/projects.py, v2)."
# Weights of the contents (their share of projects); the last two exist from 2026 (Decree 235/2025).
CONTENT_WEIGHTS = {
    "dao-tao-nghe": 10,
    "nang-luc-quan-ly": 6,
    "mo-hinh-may-moc": 34,
    "san-xuat-sach-hon": 3,
    "san-pham-tieu-bieu": 14,
    "tu-van-thong-tin": 12,
    "lien-ket-cum-cn": 4,
    "hop-tac-quoc-te": 1,
    "nang-luc-khuyen-cong": 6,
    "khac": 2,
    "sxtd-ben-vung": 4,
    "chuyen-doi-so": 6,
}
NEW_CONTENTS = {"sxtd-ben-vung", "chuyen-doi-so"}
PRODUCTS = [
    "gốm sứ",
    "mây tre đan",
    "chè",
    "dệt thổ cẩm",
    "cơ khí nhỏ",
    "đồ gỗ",
    "nước mắm",
    "bánh đa",
    "miến dong",
    "sơn mài",
    "chế biến nông sản",
    "cà phê",
    "hạt điều",
    "tinh bột sắn",
    "muối",
    "giấy dó",
]


# --- statuses and money of the synthetic projects -----------------------------------------------


def status_weights(year: int, source: str) -> dict[str, int]:
    """Where the projects of a plan year stand (the benchmark's “today” is late 2026)."""
    if year <= 2024:
        return {"settled": 80, "stopped": 3, "rejected": 12, "withdrawn": 5}
    if year == 2025:
        return {
            "settled": 55,
            "accepted": 15,
            "in_progress": 8,
            "stopped": 3,
            "rejected": 14,
            "withdrawn": 5,
        }
    if year == 2026:
        return {
            "in_progress": 40,
            "accepted": 20,
            "settled": 10,
            "approved": 7,
            "stopped": 3,
            "rejected": 15,
            "withdrawn": 5,
        }
    weights = {"draft": 8, "submitted": 20, "returned": 4, "doit_appraised": 20}
    weights.update({"withdrawn": 3, "rejected": 6})
    if source == "kcqg":
        weights.update({"forwarded": 15, "under_review": 12, "agency_appraised": 12})
    else:
        weights["doit_appraised"] += 39
    return weights


def capped(day: datetime.date) -> datetime.date:
    """No money moves after the benchmark's “today”."""
    return min(day, datetime.date(2026, 11, 15))


def movements(rng: random.Random, year: int, source: str, status: str, decisions: dict) -> tuple:
    """``([(kind, amount, date, decision)], [(decision, action, amount, previous)])`` of one project."""
    if status == "draft":
        return [], []
    requested = rng.randint(200, 3_000) * 1_000_000 if source == "kcqg" else rng.randint(50, 800) * 1_000_000
    counterpart = requested * rng.choice([50, 100, 100, 150, 200, 300]) // 100
    filed = datetime.date(year - 1, 5, rng.randint(2, 20))
    moves = [("requested", requested, filed, None), ("counterpart_requested", counterpart, filed, None)]
    lines = []
    if status in ("submitted", "returned", "withdrawn"):
        return moves, lines
    appraised = datetime.date(year - 1, 6, rng.randint(1, 28))
    if rng.random() < 0.25:  # returned by the DOIT and filed again with a smaller request
        revised = requested * rng.choice([80, 90]) // 100
        refiled = appraised - datetime.timedelta(days=7)
        moves.append(("requested", revised - requested, refiled, None))
        counterpart_revised = counterpart * revised // requested
        moves.append(("counterpart_requested", counterpart_revised - counterpart, refiled, None))
        requested, counterpart = revised, counterpart_revised
    doit = requested * rng.choice([80, 90, 100, 100]) // 100
    moves.append(("recommended_doit", doit, appraised, None))
    if status in ("doit_appraised", "forwarded", "under_review"):
        return moves, lines
    if status == "rejected" and rng.random() < 0.5:  # by the DOIT
        return moves, lines
    recommended = doit
    if source == "kcqg":
        recommended = doit * rng.choice([85, 90, 100, 100]) // 100
        council = datetime.date(year - 1, 9, rng.randint(5, 25))
        moves.append(("recommended", 0 if status == "rejected" else recommended, council, None))
    if status in ("agency_appraised", "rejected"):
        return [m for m in moves if m[1]], lines
    # decided: the allocation decision, then perhaps an amendment
    allocation, amendment = decisions["allocation"], decisions["amendment"]
    plan = recommended
    moves.append(("allocated", plan, allocation.date, allocation))
    lines.append((allocation, "approve", plan, 0))
    if status == "approved":
        return moves, lines
    advance = plan * rng.choice([30, 50]) // 100
    moves.append(("advanced", advance, capped(datetime.date(year, 3, rng.randint(5, 28))), None))
    paid = advance
    if status == "stopped":
        moves.append(("amended", advance - plan, amendment.date, amendment))
        lines.append((amendment, "stop", advance, plan))
        return moves, lines
    if rng.random() < 0.2:
        adjusted = min(requested, plan * rng.choice([85, 90, 110]) // 100)
        moves.append(("amended", adjusted - plan, amendment.date, amendment))
        lines.append((amendment, "adjust", adjusted, plan))
        plan = adjusted
    if status == "in_progress":
        if rng.random() < 0.5:
            payment = (plan - advance) // 2
            moves.append(("disbursed", payment, capped(datetime.date(year, 7, rng.randint(1, 28))), None))
        return moves, lines
    # accepted or settled: paid in two to four payments
    refund = status == "settled" and rng.random() < 0.1
    settled = plan * (rng.choice([90, 95]) if refund else rng.choice([95, 100, 100, 100])) // 100
    target = plan if refund else settled
    parts = rng.randint(2, 4)
    remaining = target - paid
    for k in range(parts):
        payment = remaining // (parts - k)
        remaining -= payment
        day = capped(datetime.date(year, 5 + 2 * k, rng.randint(1, 28)))
        moves.append(("disbursed", payment, day, None))
    if status == "accepted":
        return moves, lines
    closing = capped(datetime.date(year, 12, 20) if rng.random() < 0.7 else datetime.date(year + 1, 2, 15))
    moves.append(("settled", settled, closing, None))
    spent = counterpart * rng.choice([90, 100, 100, 110]) // 100
    moves.append(("counterpart_actual", spent, closing, None))
    if refund:
        moves.append(("refunded", plan - settled, capped(closing + datetime.timedelta(days=30)), None))
    return moves, lines


# --- writing rows without the ORM ----------------------------------------------------------------


class Table:
    """Writes tuples into a model's table: COPY on PostgreSQL, ``executemany`` on SQLite."""

    def __init__(self, model, fields: list[str]):
        from django.db import connection, models

        meta = model._meta
        self.model = model
        self.fields = [meta.get_field(name) for name in fields]
        columns = {f.column for f in self.fields}
        required = [f for f in meta.concrete_fields if not f.primary_key and not f.null]
        missing = [f.name for f in required if f.column not in columns]
        if missing:
            raise SystemExit(f"{model.__name__}: benchmarks/projects.py does not fill {missing}; update it.")
        qn = connection.ops.quote_name
        names = ", ".join(qn(f.column) for f in self.fields)
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            self.sql = f"COPY {qn(meta.db_table)} ({names}) FROM STDIN"
        else:
            marks = ", ".join("?" * len(self.fields))
            self.sql = f"INSERT INTO {qn(meta.db_table)} ({names}) VALUES ({marks})"
            converters = []
            for i, f in enumerate(self.fields):
                if isinstance(f, models.DateTimeField):
                    converters.append((i, connection.ops.adapt_datetimefield_value))
                elif isinstance(f, models.DateField):
                    converters.append((i, datetime.date.isoformat))
                elif isinstance(f, models.UUIDField):
                    converters.append((i, lambda v: v.hex))
            self.converters = converters
        self.written = 0

    def write(self, rows: list[tuple]) -> None:
        from django.db import connection

        if self.postgres:
            with connection.cursor() as cursor, cursor.cursor.copy(self.sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            if self.converters:
                rows = [self._convert(row) for row in rows]
            connection.ensure_connection()
            connection.connection.executemany(self.sql, rows)
        self.written += len(rows)

    def _convert(self, row: tuple) -> tuple:
        row = list(row)
        for i, convert in self.converters:
            if row[i] is not None:
                row[i] = convert(row[i])
        return tuple(row)


def wipe() -> None:
    """Empty the project tables of the benchmark database (never the development database)."""
    from django.apps import apps
    from django.db import connection

    tables = [m._meta.db_table for m in apps.get_app_config("projects").get_models()]
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(qn(t) for t in tables)} RESTART IDENTITY CASCADE")
        return
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {qn(table)}")


# --- the data set --------------------------------------------------------------------------------


def fill(count: int, refill: bool) -> dict | None:
    from django.core.management.color import no_style
    from django.db import connection, models, transaction

    from khuyencong.core.text import fold
    from khuyencong.geo.models import AdministrativeUnit, Level
    from khuyencong.geo.queries import rollup_map
    from khuyencong.orgs.models import Organisation
    from khuyencong.programmes.models import Content, Programme
    from khuyencong.projects.models import Decision, DecisionLine, LedgerEntry, Project, ProjectLocation
    from khuyencong.projects.services.ledger import split_amount

    existing = Project.objects.count()
    if not refill and existing == count and Project.objects.filter(objectives=MARKER).count() == count:
        print(f"{existing:,} benchmark projects already in the database (--refill to generate them again)")
        return None
    if existing or Decision.objects.exists():
        print(f"emptying the project tables of the benchmark database ({existing:,} projects)")
        wipe()

    rng = random.Random(2026)
    started = time.perf_counter()
    province = Level.PROVINCE
    old = list(AdministrativeUnit.objects.filter(level=province).valid_on(datetime.date(2020, 1, 1)))
    new = list(AdministrativeUnit.objects.filter(level=province).valid_on(datetime.date(2026, 1, 1)))
    now_of = rollup_map(province, datetime.date(2026, 1, 1))
    contents, short_names = {}, {}
    for pk, code, short_name in Content.objects.filter(code__in=CONTENT_WEIGHTS).values_list(
        "pk", "code", "short_name"
    ):
        contents[code], short_names[code] = pk, short_name
    if len(contents) != len(CONTENT_WEIGHTS):
        raise SystemExit(f"missing contents: {sorted(set(CONTENT_WEIGHTS) - set(contents))}")
    programmes = sorted(Programme.objects.filter(level="national"), key=lambda p: p.start_year)
    centre, committee = {}, {}
    for org_id, kind, province_id in Organisation.objects.filter(
        kind__in=["extension_centre", "peoples_committee"]
    ).values_list("pk", "kind", "province_id"):
        (centre if kind == "extension_centre" else committee)[province_id] = org_id
    ministry = Organisation.objects.get(code="bo-cong-thuong")
    national_centre = Organisation.objects.filter(kind="national_centre").values_list("pk", flat=True).first()

    # the decisions: KCQG nationally (allocation in December, amendment in July); KCĐP per province
    plain_decisions = models.QuerySet(Decision)  # unaudited: synthetic data
    decisions: list[Decision] = []
    for year in YEARS[:-1]:  # the last year's proposals are still being appraised
        allocated, amended = datetime.date(year - 1, 12, 20), datetime.date(year, 7, 15)
        for kind, day, n in (("allocation", allocated, 1), ("amendment", amended, 2)):
            decisions.append(
                Decision(
                    kind=kind,
                    number=f"{year}{n:03d}/QĐ-BCT",
                    date=day,
                    signer="Thứ trưởng",
                    issuer=ministry,
                    plan_year=year,
                    source="kcqg",
                    title=f"Kinh phí khuyến công quốc gia năm {year}",
                    issued_at=datetime.datetime.combine(day, datetime.time(9), datetime.UTC),
                )
            )
        for unit in old if year < MERGED else new:
            for kind, day, n in (("allocation", allocated, 1), ("amendment", amended, 2)):
                day += datetime.timedelta(days=5)
                decisions.append(
                    Decision(
                        kind=kind,
                        number=f"{year}{n:03d}/QĐ-UBND",
                        date=day,
                        signer="Phó Chủ tịch",
                        issuer_id=committee[unit.pk],
                        plan_year=year,
                        source="kcdp",
                        province=unit,
                        title=f"Kinh phí khuyến công địa phương năm {year}",
                        issued_at=datetime.datetime.combine(day, datetime.time(9), datetime.UTC),
                    )
                )
    with transaction.atomic():
        plain_decisions.bulk_create(decisions, batch_size=2_000)
    decision_of = {(d.plan_year, d.source, d.province_id, d.kind): d for d in decisions}

    projects = Table(
        Project,
        [
            "id",
            "code",
            "plan_year",
            "source",
            "programme",
            "content",
            "kind",
            "name",
            "objectives",
            "description",
            "implementing_org",
            "lead_province",
            "lead_province_now",
            "start_date",
            "end_date",
            "status",
            "submitted_at",
            "late",
            "search_text",
            "version",
        ],
    )
    locations = Table(ProjectLocation, ["project", "province", "province_now", "share_bp"])
    lines = Table(DecisionLine, ["decision", "project", "action", "amount", "reason", "previous_amount"])
    ledger = Table(
        LedgerEntry,
        [
            "movement",
            "project",
            "kind",
            "amount",
            "value_date",
            "plan_year",
            "source",
            "content",
            "province",
            "province_now",
            "organisation",
            "decision",
            "reference",
            "note",
        ],
    )
    statuses: Counter = Counter()
    pending: dict[int, list[tuple]] = defaultdict(list)  # ledger rows by calendar year of their date

    def flush(up_to: int) -> None:
        for calendar in sorted(y for y in pending if y <= up_to):
            rows = pending.pop(calendar)
            rows.sort(key=itemgetter(4))  # value date
            with transaction.atomic():
                ledger.write(rows)

    per_year = [count // len(YEARS) + (1 if i < count % len(YEARS) else 0) for i in range(len(YEARS))]
    next_id = (Project.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1
    for year, n in zip(YEARS, per_year, strict=True):
        provinces = old if year < MERGED else new
        programme = [p for p in programmes if p.start_year <= year][-1]
        weights = {c: w for c, w in CONTENT_WEIGHTS.items() if year >= MERGED or c not in NEW_CONTENTS}
        content_codes, content_weights = list(weights), list(weights.values())
        serial: Counter = Counter()
        project_rows, location_rows, line_rows = [], [], []
        for _ in range(n):
            pid, next_id = next_id, next_id + 1
            source = "kcqg" if rng.random() < 0.4 else "kcdp"
            lead = rng.choice(provinces)
            content = rng.choices(content_codes, content_weights)[0]
            sw = status_weights(year, source)
            status = rng.choices(list(sw), list(sw.values()))[0]
            statuses[status] += 1
            serial[(source, lead.pk)] += 1
            code = f"{source.upper()}-{year}-{lead.code}-{serial[(source, lead.pk)]:04d}"
            name = f"{short_names[content]}: {rng.choice(PRODUCTS)} – {lead.name}"
            org = centre.get(lead.pk, national_centre)
            filed = status != "draft"
            project_rows.append(
                (
                    pid,
                    code,
                    year,
                    source,
                    programme.pk,
                    contents[content],
                    "ordinary",
                    name,
                    MARKER,
                    "",
                    org,
                    lead.pk,
                    now_of[lead.pk],
                    datetime.date(year, 3, 1),
                    datetime.date(year, 11, 30),
                    status,
                    datetime.datetime(year - 1, 5, 15, 3, tzinfo=datetime.UTC) if filed else None,
                    False,
                    f"{fold(code)} {fold(name)}"[:500],
                    1,
                )
            )
            if not filed:
                continue
            places = [(lead.pk, 10_000)]
            if rng.random() < 0.1:  # a project spanning two provinces
                other = rng.choice(provinces)
                if other.pk != lead.pk:
                    share = rng.choice([6_000, 7_000])
                    places = [(lead.pk, share), (other.pk, 10_000 - share)]
            for unit, share in places:
                location_rows.append((pid, unit, now_of[unit], share))
            issuer = None if source == "kcqg" else lead.pk
            own = {k: decision_of.get((year, source, issuer, k)) for k in ("allocation", "amendment")}
            moves, decided = movements(rng, year, source, status, own)
            for decision, action, amount, previous in decided:
                line_rows.append((decision.pk, pid, action, amount, "", previous))
            shares = [s for _, s in places]
            for kind, amount, day, decision in moves:
                movement = uuid.UUID(int=rng.getrandbits(128), version=4)
                parts = split_amount(amount, shares) if len(shares) > 1 else [amount]
                for (unit, _share), part in zip(places, parts, strict=True):
                    if part:
                        pending[day.year].append(
                            (
                                movement,
                                pid,
                                kind,
                                part,
                                day,
                                year,
                                source,
                                contents[content],
                                unit,
                                now_of[unit],
                                org,
                                decision.pk if decision else None,
                                decision.number if decision else "",
                                "",
                            )
                        )
        with transaction.atomic():
            projects.write(project_rows)
            locations.write(location_rows)
            lines.write(line_rows)
        flush(year - 1)  # later plan years write nothing dated before this year
        print(
            f"  {year}: {projects.written:,}/{count:,} projects, {ledger.written:,} ledger entries written"
            f" ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    flush(9999)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Project]):
            cursor.execute(sql)
    generated = time.perf_counter() - started
    print(f"  generated in {generated:.0f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:  # the state autovacuum reaches in production (insert-only tables)
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return {
        "projects": projects.written,
        "locations": locations.written,
        "decisions": len(decisions),
        "decision lines": lines.written,
        "ledger entries": ledger.written,
        "seconds": generated,
        "analyse seconds": time.perf_counter() - started,
        "statuses": statuses,
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
            f"generated {filled['projects']:,} projects and {filled['ledger entries']:,} ledger entries in "
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
