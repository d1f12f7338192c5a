"""Every CSV and Excel file the product writes goes through here, so that no cell of it can run.
(JSON exports, which no spreadsheet runs, are written here too: :func:`json_rows`.)

A spreadsheet treats a cell typed as ``=…``, ``+…``, ``-…`` or ``@…`` (and, in some programs, one
starting with a tab or a carriage return) as a formula: a name such as ``=HYPERLINK("http://…")``
registered by anyone would become a live link or command in the agency's copy of an export
(CSV/formula injection). Text is therefore written as text:

* in CSV, text starting with one of those characters gets a leading apostrophe, which spreadsheet
  programs read as "this is text" (the OWASP advice);
* in Excel, every piece of text is written as a string cell – never through xlsxwriter's guessing
  ``write`` – and such text gets Excel's own quote prefix, so it shows exactly as typed and stays
  text even when the cell is edited.

Numbers, dates and empty cells are written as what they are: only text is neutralised.

>>> csv_cell('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> csv_cell("Mây tre đan"), csv_cell(-5), csv_cell(None)
('Mây tre đan', -5, '')
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_a_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """A value ready for ``csv.writer``: text that a spreadsheet would run is quoted with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | datetime.date):
        return value
    text = str(value)
    return "'" + text if starts_like_a_formula(text) else text


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


class CsvLines:
    """Writes rows one at a time and hands back the text of each (for streaming responses)."""

    def __init__(self, bom: bool = True):
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)
        self._pending = "\ufeff" if bom else ""  # Excel opens UTF-8 CSV correctly with a BOM

    def row(self, values: Iterable[Any]) -> str:
        self._writer.writerow(csv_row(values))
        text = self._pending + self._buffer.getvalue()
        self._pending = ""
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


class Workbook:
    """An xlsxwriter workbook whose cells are written by type, text always as text."""

    def __init__(self, output, **options: Any):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(
            output,
            {
                "in_memory": True,
                "remove_timezone": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                **options,
            },
        )
        self._quoted: dict[int, Any] = {}
        self._properties: dict[int, dict[str, Any]] = {}  # of each format made here, for its quoted twin
        self.date_format = self.book.add_format({"num_format": "dd/mm/yyyy"})

    def add_worksheet(self, name: str | None = None):
        return self.book.add_worksheet(name)

    def add_format(self, properties: dict[str, Any] | None = None):
        cell_format = self.book.add_format(properties or {})
        self._properties[id(cell_format)] = dict(properties or {})
        return cell_format

    def _quoted_format(self, cell_format):
        key = id(cell_format)
        if key not in self._quoted:
            # the same look (bold, borders, alignment of headers and the like), marked as text
            properties = dict(self._properties.get(key, {}))
            if cell_format is not None and key not in self._properties:
                properties["bold"] = bool(getattr(cell_format, "bold", 0))
            properties["quote_prefix"] = True
            self._quoted[key] = self.book.add_format(properties)
        return self._quoted[key]

    def write(self, sheet, row: int, col: int, value: Any, cell_format=None) -> None:
        if value is None:
            sheet.write_blank(row, col, None, cell_format)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value, cell_format)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, cell_format)
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, col, value, cell_format or self.date_format)
        elif isinstance(value, datetime.date):
            sheet.write_datetime(
                row, col, datetime.datetime.combine(value, datetime.time()), cell_format or self.date_format
            )
        else:
            text = str(value)
            if starts_like_a_formula(text):
                sheet.write_string(row, col, text, self._quoted_format(cell_format))
            else:
                sheet.write_string(row, col, text, cell_format)

    def write_row(self, sheet, row: int, col: int, values: Iterable[Any], cell_format=None) -> None:
        for offset, value in enumerate(values):
            self.write(sheet, row, col + offset, value, cell_format)

    def merge(
        self,
        sheet,
        first_row: int,
        first_col: int,
        last_row: int,
        last_col: int,
        value: Any,
        cell_format=None,
    ):
        """A merged range holding ``value``, written by type like any other cell (a single cell
        when the range is one cell: Excel refuses a merge of one)."""
        if (first_row, first_col) != (last_row, last_col):
            sheet.merge_range(first_row, first_col, last_row, last_col, "", cell_format)
        self.write(sheet, first_row, first_col, value, cell_format)

    def close(self) -> None:
        self.book.close()


def xlsx_rows(
    output,
    title: str,
    headers: list[str],
    rows: Iterable[Iterable[Any]],
    numeric: list[bool] | None = None,
) -> int:
    """A one-sheet list (a header row, then ``rows``) written to ``output`` (a file or a file name)
    as it is read: each row goes to disk once the next one starts (xlsxwriter's constant-memory
    mode), so a list of any length takes the same memory. ``numeric``: the columns whose numbers get
    the thousands format. Returns the number of rows written."""
    book = Workbook(output, in_memory=False, constant_memory=True)
    sheet = book.add_worksheet(title[:31] or "Sheet1")
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    money_fmt = book.add_format({"num_format": "#,##0"})
    numeric = numeric or [False] * len(headers)
    for index, header in enumerate(headers):
        sheet.set_column(index, index, max(12, min(45, len(header) + 4)))
    sheet.freeze_panes(1, 0)
    book.write_row(sheet, 0, 0, headers, bold)
    count = 0
    for count, values in enumerate(rows, start=1):
        for index, value in enumerate(values):
            number = numeric[index] and isinstance(value, int | float) and not isinstance(value, bool)
            book.write(sheet, count, index, value, money_fmt if number else None)
    book.close()
    return count


def json_rows(title: str, columns: list[tuple[str, str]], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """A list as JSON, written piece by piece as the rows are read (for streaming responses)::

        {"title": …, "columns": [{"key": …, "label": …}, …], "rows": [{key: value, …}, …], "count": n}

    Values are written as they are given (numbers stay numbers); nothing is neutralised, since no
    program runs a JSON string as a formula.

    >>> text = "".join(json_rows("T", [("a", "A")], [[1], ["=x"], [None]]))
    >>> json.loads(text)["rows"], json.loads(text)["count"]
    ([{'a': 1}, {'a': '=x'}, {'a': None}], 3)
    """
    keys = [key for key, _label in columns]
    head = {"title": title, "columns": [{"key": key, "label": str(label)} for key, label in columns]}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    count = 0
    for values in rows:
        row = json.dumps(dict(zip(keys, values, strict=True)), ensure_ascii=False)
        yield ("\n" if count == 0 else ",\n") + row
        count += 1
    yield f'\n], "count": {count}}}'
