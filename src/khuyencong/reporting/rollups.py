"""Figures kept ready: the ledger's summary and each project's achieved results.

Adding up millions of ledger entries or result reports on every request cannot answer the national
tables in under a second (``docs/performance.md``). Two tables hold the sums ready, and the engine
(``reporting.engine``) reads them wherever they give the same figure, to the đồng, as the facts:

* :class:`~khuyencong.reporting.models.LedgerRollup` – the ledger summed by plan year, month of
  movement, kind, source, content, province as it was, province today and the project's status
  now. Written as entries are written (``projects.extensions.LEDGER_WRITTEN``: the amounts added
  to their rows) and when a project's status changes (its amounts move from the old status's rows
  to the new one's), in the writing transaction; the project's row is locked first, so a movement
  written at the same time as a status change is counted under the status it ends up in.
* :class:`~khuyencong.reporting.models.IndicatorActual` – each project's achieved result per
  indicator (the sum of a flow, the last value of a running total, as the engine defines it),
  computed again from the project's approved reports of that indicator whenever one of them is
  recorded, reviewed, changed or deleted, and for every project when an indicator's
  ``cumulative`` flag changes.

What writes facts around the services (the synthetic dataset) asks for both to be computed again
(``projects.extensions.FACTS_REWRITTEN``); ``khuyencong rebuild-rollups`` does it by hand and
``--check`` compares them with the facts.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth

from khuyencong.reporting.models import IndicatorActual, LedgerRollup

KEY = LedgerRollup.KEY


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def split_months(
    lo: datetime.date | None, hi: datetime.date | None
) -> tuple[
    tuple[datetime.date | None, datetime.date | None] | None, list[tuple[datetime.date, datetime.date]]
]:
    """A span of days (``None``: open) as the whole months within it – ``(first month, last
    month)`` by their first days, ``None`` bounds open, or ``None`` when no month is whole – and the
    days left over at either end, which only the entries can answer.

    >>> split_months(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    ((datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)), [])
    >>> split_months(None, datetime.date(2026, 11, 15))
    ((None, datetime.date(2026, 10, 1)), [(datetime.date(2026, 11, 1), datetime.date(2026, 11, 15))])
    >>> split_months(datetime.date(2026, 1, 10), datetime.date(2026, 1, 20))
    (None, [(datetime.date(2026, 1, 10), datetime.date(2026, 1, 20))])
    """
    first = lo if lo is None or lo.day == 1 else month_end(lo) + datetime.timedelta(days=1)
    last_day = hi if hi is None or hi == month_end(hi) else month_start(hi) - datetime.timedelta(days=1)
    if first is not None and last_day is not None and first > last_day:
        return None, [(lo, hi)] if lo is not None and hi is not None else []
    edges = []
    if lo is not None and first != lo:
        edges.append((lo, first - datetime.timedelta(days=1)))
    if hi is not None and last_day != hi:
        edges.append((last_day + datetime.timedelta(days=1), hi))
    return (first, month_start(last_day) if last_day is not None else None), edges


# --- the ledger's summary ---------------------------------------------------------------------------


def _date(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


def _add(rows: dict[tuple, list[int]]) -> None:
    """Add ``{key: [amount, entries]}`` to the summary's rows (created when missing), in the order
    of their keys (two transactions adding to the same rows never wait for each other in a cycle),
    and drop the rows left with no entry."""
    if not rows:
        return
    table = LedgerRollup._meta.db_table
    columns = [*KEY, "amount", "entries"]
    items = sorted(rows.items())
    with connection.cursor() as cursor:
        # one short statement for every row (not one with thousands of parameters, which the
        # driver parses again each time): SQLite runs them in a loop, PostgreSQL in a pipeline
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET "
            f"amount = {table}.amount + excluded.amount, entries = {table}.entries + excluded.entries",
            [[key[0], _date(key[1]), *key[2:], amount, entries] for key, (amount, entries) in items],
        )
        emptied = [[key[0], _date(key[1]), *key[2:]] for key, (_a, entries) in items if entries < 0]
        if emptied:
            where = " AND ".join(f"{column} = %s" for column in KEY)
            cursor.executemany(f"DELETE FROM {table} WHERE entries = 0 AND {where}", emptied)


def _locked_status(project_id: int) -> str:
    """The project's status as stored, its row locked until the transaction ends."""
    from khuyencong.projects.models import Project

    return Project.objects.select_for_update().filter(pk=project_id).values_list("status", flat=True).get()


def ledger_written(entries: Iterable) -> None:
    """``projects.extensions.LEDGER_WRITTEN``: the entries of one movement (or of a batch of them),
    added to the summary under their project's status as stored."""
    from khuyencong.projects.models import Project

    entries = list(entries)
    rows: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    ids = sorted({entry.project_id for entry in entries})
    if len(ids) == 1:
        statuses = {ids[0]: _locked_status(ids[0])}
    else:  # many projects' entries (a batch of movements): their rows locked in one statement
        statuses = dict(Project.objects.select_for_update().filter(pk__in=ids).values_list("pk", "status"))
    for entry in entries:
        key = (
            entry.plan_year,
            month_start(entry.value_date),
            entry.kind,
            entry.source,
            entry.content_id,
            entry.province_id,
            entry.province_now_id,
            statuses[entry.project_id],
        )
        rows[key][0] += entry.amount
        rows[key][1] += 1
    _add(rows)


def _project_rows(project_ids: list[int]) -> list[tuple]:
    """The projects' entries summed by project and the summary's key without the status."""
    from khuyencong.projects.models import LedgerEntry

    fields = ["project", "plan_year", "kind", "source", "content", "province", "province_now"]
    return [
        (
            r["project"],
            r["plan_year"],
            r["m"],
            r["kind"],
            r["source"],
            r["content"],
            r["province"],
            r["province_now"],
            r["a"],
            r["n"],
        )
        for r in LedgerEntry.objects.filter(project__in=project_ids)
        .order_by()
        .annotate(m=TruncMonth("value_date"))
        .values("m", *fields)
        .annotate(a=Sum("amount"), n=Count("pk"))
    ]


def status_changed(project_id: int, before: str, after: str) -> None:
    """A project's amounts move from the rows of its old status to those of the new one."""
    statuses_changed({project_id: (before, after)})


def statuses_changed(changes: dict[int, tuple[str, str]]) -> None:
    """``projects.extensions.STATUS_CHANGED``: each project's amounts move from the rows of its old
    status to those of the new one (``{project id: (before, after)}``; one query per 2,000)."""
    changes = {pk: pair for pk, pair in changes.items() if pair[0] != pair[1]}
    ids = sorted(changes)
    rows: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for start in range(0, len(ids), 2_000):
        for project_id, *key, amount, entries in _project_rows(ids[start : start + 2_000]):
            before, after = changes[project_id]
            month = key[1].date() if isinstance(key[1], datetime.datetime) else key[1]
            base = (key[0], month, *key[2:])
            rows[(*base, before)][0] -= amount
            rows[(*base, before)][1] -= entries
            rows[(*base, after)][0] += amount
            rows[(*base, after)][1] += entries
    _add(rows)


# --- each project's achieved results ------------------------------------------------------------------


def _achieved(project_id: int, indicator_id: int, cumulative: bool) -> dict | None:
    from khuyencong.projects.models import ResultReport

    reports = ResultReport.objects.filter(
        project=project_id, indicator=indicator_id, state="approved"
    ).order_by()
    figures = reports.aggregate(total=Sum("value"), last=Max("period_end"), n=Count("pk"))
    if not figures["n"]:
        return None
    value = figures["total"]
    if cumulative:
        value = reports.order_by("-period_end", "-id").values_list("value", flat=True)[0]
    return {"value": Decimal(value), "last_period_end": figures["last"], "reports": figures["n"]}


def results_changed(project_id: int, indicator_id: int) -> None:
    """The project's achieved result on the indicator, computed again from its approved reports
    (the project's row locked first: two reviews at once each see the other's report)."""
    from khuyencong.programmes.models import Indicator
    from khuyencong.projects.models import Project

    if not Project.objects.select_for_update().filter(pk=project_id).exists():
        IndicatorActual.objects.filter(project=project_id).delete()
        return
    cumulative = Indicator.objects.filter(pk=indicator_id).values_list("cumulative", flat=True).first()
    figures = _achieved(project_id, indicator_id, bool(cumulative)) if cumulative is not None else None
    if figures is None:
        IndicatorActual.objects.filter(project=project_id, indicator=indicator_id).delete()
        return
    IndicatorActual.objects.update_or_create(
        project_id=project_id, indicator_id=indicator_id, defaults=figures
    )


# --- written again from the facts -------------------------------------------------------------------


def _month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _ledger_select() -> str:
    from khuyencong.projects.models import LedgerEntry, Project

    month = _month_sql("l.value_date")
    return (
        f"SELECT l.plan_year, {month}, l.kind, l.source, l.content_id, l.province_id, l.province_now_id, "
        f"p.status, SUM(l.amount), COUNT(*) FROM {LedgerEntry._meta.db_table} l "
        f"JOIN {Project._meta.db_table} p ON p.id = l.project_id "
        f"GROUP BY l.plan_year, {month}, l.kind, l.source, l.content_id, l.province_id, "
        "l.province_now_id, p.status"
    )


def _actual_select(indicator_id: int | None = None) -> tuple[str, list]:
    """Each project's achieved result per indicator from the approved reports: one pass, the reports
    of a pair numbered from the last (latest period end, then the last recorded)."""
    from khuyencong.programmes.models import Indicator
    from khuyencong.projects.models import ResultReport

    where, params = "r.state = 'approved'", []
    if indicator_id is not None:
        where += " AND r.indicator_id = %s"
        params.append(indicator_id)
    pair = "PARTITION BY r.project_id, r.indicator_id"
    return (
        "SELECT project_id, indicator_id, CASE WHEN cumulative THEN value ELSE total END, last_end, n FROM ("
        f"SELECT r.project_id, r.indicator_id, i.cumulative, r.value, "
        f"ROW_NUMBER() OVER ({pair} ORDER BY r.period_end DESC, r.id DESC) AS rn, "
        f"SUM(r.value) OVER ({pair}) AS total, MAX(r.period_end) OVER ({pair}) AS last_end, "
        f"COUNT(*) OVER ({pair}) AS n "
        f"FROM {ResultReport._meta.db_table} r JOIN {Indicator._meta.db_table} i ON i.id = r.indicator_id "
        f"WHERE {where}) t WHERE rn = 1",
        params,
    )


def indicator_changed(indicator_id: int) -> None:
    """An indicator's ``cumulative`` flag changed: every project's result on it computed again."""
    table = IndicatorActual._meta.db_table
    sql, params = _actual_select(indicator_id)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE indicator_id = %s", [indicator_id])
        cursor.execute(
            f"INSERT INTO {table} (project_id, indicator_id, value, last_period_end, reports) {sql}", params
        )


def rebuild() -> dict[str, int]:
    """Both summaries written again from the facts, in one transaction (on PostgreSQL the facts are
    locked against writes meanwhile, so none is missed); how many rows each has."""
    from khuyencong.projects.models import LedgerEntry, Project, ResultReport

    ledger_table, actual_table = LedgerRollup._meta.db_table, IndicatorActual._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(m._meta.db_table for m in (LedgerEntry, ResultReport, Project))
            cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {ledger_table}")
        cursor.execute(
            f"INSERT INTO {ledger_table} ({', '.join([*KEY, 'amount', 'entries'])}) {_ledger_select()}"
        )
        cursor.execute(f"DELETE FROM {actual_table}")
        sql, params = _actual_select()
        cursor.execute(
            f"INSERT INTO {actual_table} (project_id, indicator_id, value, last_period_end, reports) {sql}",
            params,
        )
    return {
        "ledger summary rows": LedgerRollup.objects.count(),
        "achieved results": IndicatorActual.objects.count(),
    }


def differences(limit: int = 20) -> list[str]:
    """Where the summaries differ from the facts (nothing: they agree), at most ``limit`` lines."""
    found: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(_ledger_select())
        facts = {tuple(_key(r[:8])): (int(r[8]), int(r[9])) for r in cursor.fetchall()}
    kept = {
        tuple(_key(r[:8])): (int(r[8]), int(r[9]))
        for r in LedgerRollup.objects.filter(entries__gt=0).values_list(*KEY, "amount", "entries")
    }
    for key in sorted(set(facts) | set(kept), key=str):
        if facts.get(key) != kept.get(key):
            found.append(f"ledger {key}: entries give {facts.get(key)}, summary holds {kept.get(key)}")
    with connection.cursor() as cursor:
        sql, params = _actual_select()
        cursor.execute(sql, params)
        actual = {
            (r[0], r[1]): (Decimal(r[2]).quantize(Decimal("0.01")), _day(r[3]), int(r[4])) for r in cursor
        }
    held = {
        (r[0], r[1]): (Decimal(r[2]).quantize(Decimal("0.01")), _day(r[3]), int(r[4]))
        for r in IndicatorActual.objects.values_list(
            "project", "indicator", "value", "last_period_end", "reports"
        )
    }
    for key in sorted(set(actual) | set(held)):
        if actual.get(key) != held.get(key):
            found.append(
                f"results of project {key[0]}, indicator {key[1]}: reports give {actual.get(key)}, "
                f"summary holds {held.get(key)}"
            )
    return found[:limit]


def _day(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _key(row) -> list:
    row = list(row)
    row[1] = _day(row[1])
    return row


# --- connected in ``ReportingConfig.ready`` --------------------------------------------------------------


def _project_before(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._rollup_status = None
        return
    instance._rollup_status = (
        type(instance)._base_manager.filter(pk=instance.pk).values_list("status", flat=True).first()
    )


def _project_after(sender, instance, created=False, raw=False, **kwargs) -> None:
    before = getattr(instance, "_rollup_status", None)
    if raw or created or before is None:
        return
    status_changed(instance.pk, before, instance.status)
    instance._rollup_status = instance.status


def _report_before(sender, instance, raw=False, **kwargs) -> None:
    instance._rollup_pair = None
    if not raw and instance.pk is not None:
        instance._rollup_pair = (
            type(instance)._base_manager.filter(pk=instance.pk).values_list("project", "indicator").first()
        )


def _report_after(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    pairs = {(instance.project_id, instance.indicator_id)}
    if getattr(instance, "_rollup_pair", None):
        pairs.add(instance._rollup_pair)
    for project_id, indicator_id in sorted(pairs):
        results_changed(project_id, indicator_id)


def _report_deleted(sender, instance, **kwargs) -> None:
    results_changed(instance.project_id, instance.indicator_id)


def _indicator_before(sender, instance, raw=False, **kwargs) -> None:
    instance._rollup_cumulative = None
    if not raw and instance.pk is not None:
        instance._rollup_cumulative = (
            type(instance)._base_manager.filter(pk=instance.pk).values_list("cumulative", flat=True).first()
        )


def _indicator_after(sender, instance, raw=False, created=False, **kwargs) -> None:
    before = getattr(instance, "_rollup_cumulative", None)
    if raw or created or before is None or before == instance.cumulative:
        return
    indicator_changed(instance.pk)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    from khuyencong.programmes.models import Indicator
    from khuyencong.projects.extensions import FACTS_REWRITTEN, LEDGER_WRITTEN, STATUS_CHANGED
    from khuyencong.projects.models import Project, ResultReport

    LEDGER_WRITTEN.register(ledger_written)
    FACTS_REWRITTEN.register(rebuild)
    STATUS_CHANGED.register(statuses_changed)
    pre_save.connect(_project_before, sender=Project, dispatch_uid="kc-rollup-project-before")
    post_save.connect(_project_after, sender=Project, dispatch_uid="kc-rollup-project-after")
    pre_save.connect(_report_before, sender=ResultReport, dispatch_uid="kc-rollup-report-before")
    post_save.connect(_report_after, sender=ResultReport, dispatch_uid="kc-rollup-report-after")
    post_delete.connect(_report_deleted, sender=ResultReport, dispatch_uid="kc-rollup-report-deleted")
    pre_save.connect(_indicator_before, sender=Indicator, dispatch_uid="kc-rollup-indicator-before")
    post_save.connect(_indicator_after, sender=Indicator, dispatch_uid="kc-rollup-indicator-after")


__all__ = [
    "connect",
    "differences",
    "indicator_changed",
    "ledger_written",
    "month_end",
    "month_start",
    "rebuild",
    "results_changed",
    "split_months",
    "status_changed",
    "statuses_changed",
]
