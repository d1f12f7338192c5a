"""Writing many rows fast, without the ORM: COPY on PostgreSQL, ``executemany`` on SQLite.

For generated data only (``khuyencong generate-demo`` and the benchmarks): no ``save()`` runs, so
no audit record is written and no model rule is checked. Business data is written by the services.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models


class RawTable:
    """Writes tuples into a model's table, the columns of ``fields`` in that order."""

    def __init__(self, model: type[models.Model], fields: list[str]):
        meta = model._meta
        self.model = model
        self.fields = [meta.get_field(name) for name in fields]
        columns = {f.column for f in self.fields}  # type: ignore[union-attr]
        required = [
            f
            for f in meta.concrete_fields
            if not f.primary_key and not f.null and f.column not in columns and not f.has_default()
        ]
        auto = [f for f in required if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)]
        missing = [f.name for f in required if f not in auto]
        if missing:
            raise ValueError(f"{model.__name__}: these required fields are not written: {missing}")
        # columns with a default the database does not know: written with the model's default
        defaulted = [
            f
            for f in meta.concrete_fields
            if not f.primary_key and f.column not in columns and (f.has_default() or f in auto)
        ]
        self.extra: list[Any] = []
        for f in defaulted:
            if f in auto:
                self.extra.append(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
            else:
                value = f.get_default()
                self.extra.append(value)
        all_fields = self.fields + defaulted
        qn = connection.ops.quote_name
        names = ", ".join(qn(f.column) for f in all_fields)  # type: ignore[union-attr]
        self.postgres = connection.vendor == "postgresql"
        self.converters: list[tuple[int, Callable[[Any], Any]]] = []
        if self.postgres:
            self.sql = f"COPY {qn(meta.db_table)} ({names}) FROM STDIN"
        else:
            marks = ", ".join("?" * len(all_fields))
            self.sql = f"INSERT INTO {qn(meta.db_table)} ({names}) VALUES ({marks})"
            for i, f in enumerate(all_fields):
                if isinstance(f, models.DateTimeField):
                    self.converters.append((i, connection.ops.adapt_datetimefield_value))
                elif isinstance(f, models.DateField):
                    self.converters.append((i, datetime.date.isoformat))
                elif isinstance(f, models.UUIDField):
                    self.converters.append((i, lambda v: v.hex))
                elif isinstance(f, models.DecimalField):
                    self.converters.append((i, str))
        self.written = 0

    def write(self, rows: Iterable[tuple]) -> None:
        rows = [(*row, *self.extra) for row in rows] if self.extra else list(rows)
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
        values = list(row)
        for i, convert in self.converters:
            if values[i] is not None:
                values[i] = convert(values[i])
        return tuple(values)


def reset_sequences(*models_: type[models.Model]) -> None:
    """After rows were written with their own ids: the next id the database gives follows them."""
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)


def analyse() -> None:
    """Fresh planner statistics after a bulk load (the state autovacuum reaches in production; inside
    a transaction, where PostgreSQL cannot vacuum, the statistics only)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
