"""The table writers: Excel in the ministry's layout, CSV and JSON with the exact figures, and the
HTML of a page. Each writes from a :class:`~khuyencong.documents.tables.Table` and nothing else.
"""

from __future__ import annotations

import datetime
import io
import json
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from khuyencong.core.spreadsheets import CsvLines, Workbook
from khuyencong.documents.tables import (
    MONEY,
    NUMBER_KEY,
    PERCENT,
    SECTION,
    SUBTOTAL,
    TEXT,
    TOTAL,
    Column,
    Table,
    unit_name,
)

FONT = "Times New Roman"  # what the ministry's files use; Tinos and Liberation Serif share its metrics
A4 = 9  # Excel's paper size code
SCALE = {"dong": 0, "nghin": 1, "trieu": 2, "ty": 3}  # thousands a money format divides by


def tables_of(tables: Table | Sequence[Table]) -> list[Table]:
    return [tables] if isinstance(tables, Table) else list(tables)


# --- Excel ----------------------------------------------------------------------------------------
def number_format(table: Table, column: Column) -> str:
    """The Excel format of a column. Money cells hold whole đồng and the format shows them in the
    table's unit: ``#,##0.000,,,`` shows 147.747.000.000 as 147,747 (tỷ)."""
    decimals = table.decimals_of(column)
    fraction = "." + "0" * decimals if decimals else ""
    if column.kind == MONEY:
        return "#,##0" + fraction + "," * SCALE[table.unit_of(column)]
    if column.kind == PERCENT:
        return "0" + fraction + "%"
    return "#,##0" + fraction


def excel_value(column: Column, value: Any) -> Any:
    """The value a cell holds: exact đồng for money, a fraction for a percentage."""
    if isinstance(value, Decimal):
        value = float(value)
    if column.kind == PERCENT and isinstance(value, int | float):
        return value / 100
    return value


def _sheet_name(table: Table, index: int, used: set[str]) -> str:
    name = table.sheet_name or table.title or _("Sheet %(n)s") % {"n": index}
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    name = name.strip("' ")[:31] or str(index)
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


class _Formats:
    """One xlsxwriter format per look, made on first use."""

    BASE = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}

    def __init__(self, book: Workbook):
        self.book = book
        self.made: dict[tuple, Any] = {}

    def __call__(self, **properties: Any):
        properties = {**self.BASE, **properties}
        key = tuple(sorted(properties.items()))
        if key not in self.made:
            self.made[key] = self.book.add_format(properties)
        return self.made[key]


LEVEL_LOOK: dict[str, dict[str, Any]] = {
    SECTION: {"bold": True},
    SUBTOTAL: {"bold": True, "italic": True},
    TOTAL: {"bold": True, "bg_color": "#F2F2F2"},
}


def write_sheet(book: Workbook, sheet, table: Table) -> None:
    fmt = _Formats(book)
    sheet.set_default_row(18)  # room for Vietnamese letters with two marks (ể, ộ) in 12 pt
    last = len(table.columns) - 1
    row = 0
    book.merge(sheet, row, 0, row, last, table.title, fmt(bold=True, font_size=14, align="center"))
    sheet.set_row(row, 24)
    row += 1
    if table.subtitle:
        book.merge(sheet, row, 0, row, last, table.subtitle, fmt(italic=True, align="center"))
        row += 1
    line = max(20, int(sum(table.width(c) for c in table.columns)))  # characters a merged row holds
    for paragraph in table.lead:  # the report's sentences, one merged row each, wrapped
        book.merge(sheet, row, 0, row, last, paragraph, fmt(text_wrap=True, align="justify", valign="top"))
        sheet.set_row(row, 18 * max(1, -(-len(paragraph) // line)))
        row += 1
    if table.unit_line():
        book.merge(sheet, row, 0, row, last, table.unit_line(), fmt(italic=True, align="right"))
        row += 1
    head = row
    widths = [table.width(c) for c in table.columns]
    header = fmt(bold=True, align="center", text_wrap=True, border=1, bg_color="#DCE6F1")
    lines = [1] * table.header_depth
    for cell in table.header_cells():
        book.merge(
            sheet,
            head + cell.row,
            cell.col,
            head + cell.row + cell.rowspan - 1,
            cell.col + cell.colspan - 1,
            cell.label,
            header,
        )
        if cell.rowspan == 1:  # merged cells do not grow to their text: size the row by hand
            width = sum(widths[cell.col : cell.col + cell.colspan])
            lines[cell.row] = max(lines[cell.row], math.ceil(len(cell.label) * 1.15 / max(width, 1)))
    for offset, count in enumerate(lines):
        sheet.set_row(head + offset, 16 * count + 4)
    row = head + table.header_depth
    body = row
    for table_row in table.rows:
        look = LEVEL_LOOK.get(table_row.level, {})
        for col, column in enumerate(table.columns):
            value = table_row.values.get(column.key)
            if column.kind == TEXT or isinstance(value, str):
                align = "center" if column.key == NUMBER_KEY else "left"
                indent = table_row.indent if column.key == table.label_key else 0
                cell_format = fmt(border=1, align=align, text_wrap=True, indent=indent, **look)
                book.write(sheet, row, col, value, cell_format)
            else:
                cell_format = fmt(border=1, num_format=number_format(table, column), **look)
                book.write(sheet, row, col, excel_value(column, value), cell_format)
        row += 1
    if table.footnotes:
        row += 1
        for note in table.footnotes:
            book.merge(sheet, row, 0, row, last, note, fmt(italic=True, font_size=11, text_wrap=True))
            row += 1
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    label_col = next(i for i, c in enumerate(table.columns) if c.key == table.label_key)
    sheet.freeze_panes(body, label_col + 1)
    # printing: A4 landscape, as wide as the page, the heading on every page
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.repeat_rows(head, body - 1)
    sheet.print_area(0, 0, max(row - 1, body), last)
    sheet.set_footer("&C&P / &N")


def xlsx_bytes(tables: Table | Sequence[Table]) -> bytes:
    """An Excel workbook with one sheet per table."""
    output = io.BytesIO()
    book = Workbook(output)  # text is written as text: no cell can become a formula
    used: set[str] = set()
    every = tables_of(tables)
    for index, table in enumerate(every, start=1):
        sheet = book.add_worksheet(_sheet_name(table, index, used))
        write_sheet(book, sheet, table)
    book.book.set_properties({"title": every[0].title if every else "", "company": "khuyencong"})
    book.close()
    return output.getvalue()


# --- CSV and JSON ---------------------------------------------------------------------------------
def _raw(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact, as the table holds it
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _raw_label(table: Table, column: Column) -> str:
    """CSV heading: money is written in đồng, whatever the unit of the page."""
    label = table.flat_label(column)
    if column.kind == MONEY:
        return f"{label} ({unit_name('dong')})"
    if column.kind == PERCENT:
        return f"{label} (%)"
    return label


def csv_text(table: Table) -> str:
    """UTF-8 CSV (with the BOM Excel needs) of the exact figures: money in whole đồng."""
    lines = CsvLines(bom=True)
    parts = [lines.row([_raw_label(table, c) for c in table.columns])]
    for row in table.rows:
        parts.append(lines.row([_raw(row.values.get(c.key)) for c in table.columns]))
    return "".join(parts)


def json_data(table: Table) -> dict[str, Any]:
    """The table as data: column metadata and the exact figures (money in đồng, decimals as
    strings so that no digit is lost)."""
    columns = [c for c in table.columns if c.key != NUMBER_KEY]
    return {
        "title": table.title,
        "subtitle": table.subtitle,
        "unit": table.unit,
        "unit_line": table.unit_line(),
        "columns": [
            {
                "key": c.key,
                "label": table.heading(c),
                "groups": list(table.paths[c.key]),
                "kind": c.kind,
                "unit": ("dong" if c.kind == MONEY else None),
                "shown_in": (table.unit_of(c) if c.kind == MONEY else None),
                "decimals": table.decimals_of(c) if c.kind != TEXT else None,
            }
            for c in columns
        ],
        "rows": [
            {
                "level": row.level,
                "number": row.number,
                "indent": row.indent,
                "values": {c.key: _raw(row.values.get(c.key)) for c in columns},
            }
            for row in table.rows
        ],
        "footnotes": table.footnotes,
        "lead": table.lead,
    }


def json_text(tables: Table | Sequence[Table]) -> str:
    every = tables_of(tables)
    data: Any = json_data(every[0]) if isinstance(tables, Table) else [json_data(t) for t in every]
    return json.dumps(data, ensure_ascii=False, indent=1)


# --- HTML -----------------------------------------------------------------------------------------
def html_table(table: Table, *, show_title: bool = False) -> str:
    """The table as a page shows it (``documents/_table.html``, which a template can also include
    with ``{% include "documents/_table.html" with table=… %}``)."""
    return render_to_string("documents/_table.html", {"table": table, "show_title": show_title})
