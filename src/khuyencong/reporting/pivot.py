"""The pivot explorer: any measures by one or two row dimensions and at most one column dimension,
laid out as a cross table with its row totals, column totals and grand total.

The figures come from :func:`khuyencong.reporting.engine.aggregate`, asked once for the cells. Money
totals are the exact sum of their cells (whole đồng). A measure that counts projects through the
ledger counts a project split over several cells once in a total: the grand total is the engine's
own total row, and the row and column totals are asked of the engine by the rows alone and by the
column alone – only when such a measure is in the table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.permissions import Scope
from khuyencong.reporting import dimensions as dims
from khuyencong.reporting import measures as ms
from khuyencong.reporting.engine import aggregate

MAX_ROW_DIMENSIONS = 2
MAX_MEASURES = 4
MAX_COLUMN_VALUES = 100
MAX_ROWS = 2000

# the dimensions a pivot offers, by the name the form uses; "province" and "region" read the
# geography asked (the provinces as they were, or rolled up to today's 34)
DIMENSIONS = [
    "plan_year",
    "plan_phase",
    "movement_year",
    "movement_half",
    "movement_quarter",
    "movement_month",
    "source",
    "content",
    "province",
    "region",
    "conference_area",
    "organisation",
    "organisation_kind",
    "project_kind",
    "status",
]
# money and counts of projects; indicator results are in units of their own and do not add up, and
# the effects on beneficiaries are not dated (no period by movement) – they have their own report
MEASURES = [name for name, m in ms.MEASURES.items() if m.fact in (ms.LEDGER, ms.PROJECTS)]

GEOGRAPHIES = {
    "34": gettext_lazy("today's 34 provinces"),
    "63": gettext_lazy("the 63 provinces as they were"),
}


class PivotError(ValueError):
    """A choice the pivot cannot lay out, with the form field it belongs to."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def engine_dimension(name: str, geography: str) -> str:
    """The engine's dimension for a pivot dimension: ``province`` of the 34 is ``province_now``."""
    if geography == "34" and name in ("province", "region"):
        return f"{name}_now"
    return name


# the province and the region follow the geography asked, so they are named without it
_LABELS = {"province": gettext_lazy("province"), "region": gettext_lazy("economic region")}


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def dimension_label(name: str) -> str:
    return _first_upper(str(_LABELS.get(name) or dims.get(name).label))


def measure_label(name: str) -> str:
    return _first_upper(str(ms.get(name).label))


def _applies(measure: ms.Measure, dimension: dims.Dimension) -> bool:
    base = dims.get(dimension.base) if dimension.rollup else dimension
    return base.expression(measure.fact, measure.side) is not None


@dataclass
class Pivot:
    rows: list[str]  # the pivot's dimension names (not the engine's)
    column: str | None
    measures: list[str]
    geography: str
    on: datetime.date | None
    row_keys: list[tuple] = field(default_factory=list)
    row_labels: dict[tuple, list[str]] = field(default_factory=dict)
    column_keys: list[Any] = field(default_factory=list)
    column_labels: dict[Any, str] = field(default_factory=dict)
    cells: dict[tuple, dict[Any, dict[str, int]]] = field(default_factory=dict)
    row_totals: dict[tuple, dict[str, int]] = field(default_factory=dict)
    column_totals: dict[Any, dict[str, int]] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)

    def cell(self, row: tuple, column: Any, measure: str) -> int:
        return self.cells.get(row, {}).get(column, {}).get(measure, 0)

    def counts(self, measure: str) -> bool:
        m = ms.get(measure)
        return not m.is_money


def check(rows: list[str], column: str | None, measures: list[str]) -> None:
    """Refuse the combinations a cross table cannot show, naming the field at fault."""
    if not rows:
        raise PivotError("rows", _("Choose at least one dimension for the rows."))
    if len(rows) > MAX_ROW_DIMENSIONS:
        raise PivotError(
            "rows", _("Choose at most %(n)d dimensions for the rows.") % {"n": MAX_ROW_DIMENSIONS}
        )
    for name in [*rows, *([column] if column else [])]:
        if name not in DIMENSIONS:
            raise PivotError("rows" if name in rows else "columns", _("Unknown dimension."))
    if len(set(rows)) != len(rows):
        raise PivotError("rows", _("The same dimension is chosen twice for the rows."))
    if column and column in rows:
        raise PivotError("columns", _("The columns cannot repeat a dimension of the rows."))
    if not measures:
        raise PivotError("measures", _("Choose at least one measure."))
    if len(measures) > MAX_MEASURES:
        raise PivotError("measures", _("Choose at most %(n)d measures.") % {"n": MAX_MEASURES})
    for name in measures:
        if name not in MEASURES:
            raise PivotError("measures", _("Unknown measure."))
    for name in measures:
        for dim_name in [*rows, *([column] if column else [])]:
            if not _applies(ms.get(name), dims.get(dim_name)):
                raise PivotError(
                    "measures",
                    _("“%(measure)s” cannot be broken down by %(dimension)s.")
                    % {"measure": measure_label(name), "dimension": dimension_label(dim_name)},
                )


def build(
    scope: Scope,
    rows: list[str],
    column: str | None,
    measures: list[str],
    filters: dict | None = None,
    on: datetime.date | None = None,
    geography: str = "34",
) -> Pivot:
    """The cross table of ``measures`` by ``rows`` × ``column`` for the viewer's scope."""
    check(rows, column, measures)
    row_dims = [engine_dimension(n, geography) for n in rows]
    col_dim = engine_dimension(column, geography) if column else None
    table = aggregate(scope, measures, [*row_dims, *([col_dim] if col_dim else [])], filters, on)
    pivot = Pivot(rows, column, list(measures), geography, on)
    column_keys: dict[Any, str] = {}
    for row in table.rows:
        row_key = tuple(row.keys[d] for d in row_dims)
        column_key = row.keys[col_dim] if col_dim else None
        if row_key not in pivot.row_labels:
            pivot.row_keys.append(row_key)
            pivot.row_labels[row_key] = [row.labels.get(d, "") for d in row_dims]
        if col_dim:
            column_keys.setdefault(column_key, row.labels.get(col_dim, ""))
        pivot.cells.setdefault(row_key, {})[column_key] = {m: int(row.value(m)) for m in measures}
    if col_dim and len(column_keys) > MAX_COLUMN_VALUES:
        raise PivotError(
            "columns",
            _("%(dimension)s has %(count)d values here, more than the %(max)d columns a table can show.")
            % {
                "dimension": dimension_label(column or ""),
                "count": len(column_keys),
                "max": MAX_COLUMN_VALUES,
            },
        )
    if len(pivot.row_keys) > MAX_ROWS:
        raise PivotError(
            "rows",
            _("These dimensions give %(count)d rows, more than the %(max)d a table can show.")
            % {"count": len(pivot.row_keys), "max": MAX_ROWS},
        )
    pivot.column_keys = sorted(column_keys, key=lambda k: (k is None, k))
    pivot.column_labels = column_keys
    for row_key in pivot.row_keys:
        pivot.row_totals[row_key] = {
            m: sum((c[m] for c in pivot.cells[row_key].values()), 0) for m in measures
        }
    for column_key in pivot.column_keys:
        pivot.column_totals[column_key] = {
            m: sum((pivot.cells[r].get(column_key, {}).get(m, 0) for r in pivot.row_keys), 0)
            for m in measures
        }
    pivot.total = {m: int(table.total.value(m)) for m in measures}
    counting = [m for m in measures if ms.get(m).count_projects]
    if counting:  # a project split over cells counts once in each total
        if col_dim:
            by_rows = aggregate(scope, counting, row_dims, filters, on, labels=False)
            for row in by_rows.rows:
                row_key = tuple(row.keys[d] for d in row_dims)
                if row_key in pivot.row_totals:
                    pivot.row_totals[row_key].update({m: int(row.value(m)) for m in counting})
        if col_dim or len(row_dims) > 1:
            by_column = aggregate(scope, counting, [col_dim] if col_dim else [], filters, on, labels=False)
            for row in by_column.rows:
                if row.key in pivot.column_totals:
                    pivot.column_totals[row.key].update({m: int(row.value(m)) for m in counting})
    return pivot


def document(pivot: Pivot, unit: str, title: str, subtitle: str = ""):
    """The pivot as a :class:`~khuyencong.documents.tables.Table`: what the page shows and every
    download writes, the same figures."""
    from khuyencong.documents.tables import MONEY, NUMBER, TEXT, Column, Group, Table

    def measure_columns(prefix: str) -> list[Column]:
        return [
            Column(f"{prefix}{m}", measure_label(m), kind=NUMBER if pivot.counts(m) else MONEY)
            for m in pivot.measures
        ]

    label_columns = [Column(f"row{i}", dimension_label(d), kind=TEXT) for i, d in enumerate(pivot.rows)]
    tree: list = list(label_columns)
    if pivot.column is None:
        tree += measure_columns("t_")
    else:
        for i, key in enumerate(pivot.column_keys):
            label = pivot.column_labels.get(key) or _("(not given)")
            if len(pivot.measures) == 1:
                tree.append(Column(f"c{i}_{pivot.measures[0]}", label, kind=measure_columns("")[0].kind))
            else:
                tree.append(Group(label, measure_columns(f"c{i}_")))
        if len(pivot.measures) == 1:
            tree.append(Column(f"t_{pivot.measures[0]}", _("Total"), kind=measure_columns("")[0].kind))
        else:
            tree.append(Group(_("Total"), measure_columns("t_")))
    table = Table(title, tree, subtitle=subtitle, unit=unit, numbered=True)
    for row_key in pivot.row_keys:
        labels = pivot.row_labels[row_key]
        values: dict[str, Any] = {f"row{i}": labels[i] or _("(not given)") for i in range(1, len(labels))}
        for i, key in enumerate(pivot.column_keys):
            for m in pivot.measures:
                values[f"c{i}_{m}"] = pivot.cell(row_key, key, m)
        for m in pivot.measures:
            values[f"t_{m}"] = pivot.row_totals[row_key][m]
        table.row(labels[0] or _("(not given)"), **values)
    totals: dict[str, Any] = {f"t_{m}": pivot.total[m] for m in pivot.measures}
    for i, key in enumerate(pivot.column_keys):
        for m in pivot.measures:
            totals[f"c{i}_{m}"] = pivot.column_totals[key][m]
    table.total(_("Total"), **totals)
    return table


def as_json(pivot: Pivot) -> dict:
    """The pivot for the API: every figure exact (whole đồng, whole projects)."""
    return {
        "rows": pivot.rows,
        "columns": pivot.column,
        "measures": pivot.measures,
        "geography": pivot.geography,
        "on": pivot.on,
        "column_values": [
            {"key": None if k is None else str(k), "label": pivot.column_labels.get(k, "")}
            for k in pivot.column_keys
        ],
        "lines": [
            {
                "keys": [None if k is None else str(k) for k in row_key],
                "labels": pivot.row_labels[row_key],
                "cells": [
                    pivot.cells[row_key].get(k, dict.fromkeys(pivot.measures, 0)) for k in pivot.column_keys
                ]
                if pivot.column
                else [],
                "total": pivot.row_totals[row_key],
            }
            for row_key in pivot.row_keys
        ],
        "column_totals": [pivot.column_totals[k] for k in pivot.column_keys],
        "total": pivot.total,
    }
