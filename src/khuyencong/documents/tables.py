"""A report table declared once and written to a page, Excel, PDF, CSV and JSON alike.

A table says *what* it shows – title, unit, column groups, rows with their level – and nothing of
where its figures come from. Figures stay exact until a writer shows them: money is whole đồng
(``int``), other figures ``int`` or ``Decimal``; the unit and the decimals of a column decide only
how a figure is *shown* (through :mod:`khuyencong.core.formatting`), and the Excel file keeps the
exact đồng in its cells with a number format that shows them in triệu or tỷ.

>>> from decimal import Decimal
>>> t = Table("Kinh phí theo vùng", unit="ty", columns=[
...     Column("name", "Vùng", kind=TEXT),
...     Group("Kinh phí", [Column("kcqg", "KCQG"), Column("kcdp", "KCĐP")]),
...     Column("share", "Tỷ trọng", kind=PERCENT),
... ])
>>> _ = t.section("Trung du và miền núi phía Bắc")
>>> _ = t.row("Hà Giang", kcqg=1_250_000_000, kcdp=500_000_000, share=Decimal("12.5"))
>>> _ = t.row("Cao Bằng", kcqg=2_000_000_000, kcdp=None, share=Decimal("20"))
>>> t.subtotal("Cộng vùng").values["kcqg"], t.total("Tổng cộng").values["kcqg"]
(3250000000, 3250000000)
>>> [(r.number, r.level) for r in t.rows]
[('I', 'section'), ('1', 'row'), ('2', 'row'), ('', 'subtotal'), ('', 'total')]
>>> t.text(t.rows[1], t.column("kcqg"), lang="vi")
'1,250'
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core import formatting

TEXT, MONEY, NUMBER, PERCENT = "text", "money", "number", "percent"
KINDS = (TEXT, MONEY, NUMBER, PERCENT)

SECTION, ROW, SUBTOTAL, TOTAL = "section", "row", "subtotal", "total"
LEVELS = (SECTION, ROW, SUBTOTAL, TOTAL)

NUMBER_KEY = "_number"  # the key of the "TT" column of a numbered table

Value = int | Decimal | str | datetime.date | None


def roman(n: int) -> str:
    """``roman(14)`` → ``'XIV'``: the numbers of a ministry table's sections."""
    if n <= 0:
        raise ValueError("Roman numerals start at 1")
    numerals = [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ]  # fmt: skip
    text = ""
    for value, letters in numerals:
        count, n = divmod(n, value)
        text += letters * count
    return text


def unit_name(unit: str, lang: str | None = None) -> str:
    """``unit_name("ty")`` → ``tỷ đồng`` (``billion VND`` in English)."""
    return formatting.UNITS[unit][1][formatting._lang(lang)]


@dataclass
class Column:
    """One column of figures (or of text).

    ``unit`` (money only) is a key of :data:`khuyencong.core.formatting.UNITS`; ``None`` takes the
    table's. ``decimals`` defaults to 3 for tỷ đồng, 2 for percentages, 0 otherwise. ``summed``:
    whether sub-totals and totals add this column up (money and numbers only).
    """

    key: str
    label: str
    kind: str = MONEY
    unit: str | None = None
    decimals: int | None = None
    width: float | None = None
    summed: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if self.unit is not None and self.unit not in formatting.UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        if self.kind not in (MONEY, NUMBER):
            self.summed = False


@dataclass
class Group:
    """A heading over several columns (merged across them); groups nest."""

    label: str
    columns: list[Column | Group]


@dataclass
class Row:
    level: str
    values: dict[str, Value]
    number: str = ""
    indent: int = 0


@dataclass
class HeaderCell:
    label: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    kind: str = TEXT


def _leaves(nodes: Sequence[Column | Group]) -> Iterator[tuple[Column, tuple[str, ...]]]:
    for node in nodes:
        if isinstance(node, Group):
            for column, path in _leaves(node.columns):
                yield column, (node.label, *path)
        else:
            yield node, ()


def _depth(nodes: Sequence[Column | Group]) -> int:
    return max((1 + _depth(n.columns) if isinstance(n, Group) else 1) for n in nodes)


def _exact(column: Column, value: Any) -> Value:
    """The value as the table keeps it: whole đồng for money, int/Decimal for other figures."""
    if value is None or isinstance(value, str | datetime.date):
        return value
    if isinstance(value, bool):
        raise TypeError(f"{column.key}: a figure, not {value!r}")
    if column.kind == MONEY:
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        if not isinstance(value, int):
            raise TypeError(f"{column.key}: money is whole đồng (int), not {value!r}")
        return value
    if isinstance(value, float):  # a ratio computed in floating point: kept as the decimal it prints
        return Decimal(repr(value))
    if not isinstance(value, int | Decimal):
        raise TypeError(f"{column.key}: a number, not {value!r}")
    return value


class Table:
    """A report table: declare the columns, then add rows in order.

    ``unit`` is the money unit of the table (its "Đơn vị tính" line); ``numbered`` adds the "TT"
    column ministry tables start with (sections I, II, …; rows 1, 2, … within each section).
    ``lead``: paragraphs of text printed between the title and the table – a report's sentences
    that quote the table's figures (the sentences are written from the same exact figures).
    """

    def __init__(
        self,
        title: str,
        columns: Sequence[Column | Group],
        *,
        subtitle: str = "",
        unit: str | None = "trieu",
        unit_text: str = "",
        numbered: bool = True,
        footnotes: Sequence[str] = (),
        sheet_name: str = "",
        lead: Sequence[str] = (),
    ):
        if unit is not None and unit not in formatting.UNITS:
            raise ValueError(f"unknown unit {unit!r}")
        self.title = title
        self.subtitle = subtitle
        self.unit = unit
        self.unit_text = unit_text
        self.numbered = numbered
        self.footnotes = list(footnotes)
        self.sheet_name = sheet_name
        self.lead = list(lead)
        self.tree: list[Column | Group] = list(columns)
        if numbered:
            self.tree.insert(0, Column(NUMBER_KEY, _("No."), kind=TEXT, width=6))
        leaves = list(_leaves(self.tree))
        self.columns = [c for c, _path in leaves]
        self.paths = {c.key: path for c, path in leaves}
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError("column keys repeat")
        label_columns = [c for c in self.columns if c.kind == TEXT and c.key != NUMBER_KEY]
        if not label_columns:
            raise ValueError("a table needs a text column for the names of its rows")
        self.label_key = label_columns[0].key
        self.rows: list[Row] = []
        self._sections = 0
        self._in_section = 0

    # --- declaring rows -------------------------------------------------------------------------
    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def _add(self, level: str, label: str, values: dict[str, Any], number: str | None, indent: int) -> Row:
        unknown = set(values) - {c.key for c in self.columns}
        if unknown:
            raise KeyError(f"no such column: {', '.join(sorted(unknown))}")
        exact = {c.key: _exact(c, values[c.key]) for c in self.columns if c.key in values}
        exact[self.label_key] = label
        row = Row(level, exact, number or "", indent)
        if self.numbered:
            row.values[NUMBER_KEY] = row.number
        self.rows.append(row)
        return row

    def section(self, label: str, *, number: str | None = None, **values: Any) -> Row:
        """A heading row (I, II, … in a numbered table); it may carry figures of its own."""
        self._sections += 1
        self._in_section = 0
        return self._add(SECTION, label, values, roman(self._sections) if number is None else number, 0)

    def row(self, label: str, *, number: str | None = None, indent: int = 0, **values: Any) -> Row:
        """A row of figures. Rows with ``indent`` (the "of which" lines) are not numbered and not
        added into sub-totals and totals."""
        if number is None and indent == 0:
            self._in_section += 1
            number = str(self._in_section)
        return self._add(ROW, label, values, number, indent)

    def _sum(self, rows: list[Row], overrides: dict[str, Any]) -> dict[str, Any]:
        sums: dict[str, Any] = {}
        for column in self.columns:
            if not column.summed:
                continue
            figures = [r.values.get(column.key) for r in rows if r.level == ROW and r.indent == 0]
            numbers = [v for v in figures if isinstance(v, int | Decimal)]
            sums[column.key] = sum(numbers) if numbers else None
        return {**sums, **overrides}

    def subtotal(self, label: str, **values: Any) -> Row:
        """The sum of the rows since the last section; ``values`` give or replace figures (the
        percentages and ratios, which do not add up)."""
        start = max((i for i, r in enumerate(self.rows) if r.level == SECTION), default=-1) + 1
        return self._add(SUBTOTAL, label, self._sum(self.rows[start:], values), None, 0)

    def total(self, label: str, **values: Any) -> Row:
        """The sum of every row of the table, with ``values`` as for :meth:`subtotal`."""
        return self._add(TOTAL, label, self._sum(self.rows, values), None, 0)

    # --- what the writers need ------------------------------------------------------------------
    @property
    def header_depth(self) -> int:
        return _depth(self.tree)

    def unit_of(self, column: Column) -> str:
        return column.unit or self.unit or "dong"

    def decimals_of(self, column: Column) -> int:
        if column.decimals is not None:
            return column.decimals
        if column.kind == MONEY:
            return 3 if self.unit_of(column) == "ty" else 0
        return 2 if column.kind == PERCENT else 0

    def heading(self, column: Column, lang: str | None = None) -> str:
        """A column's heading; a money column in a unit other than the table's names its unit."""
        if column.kind == MONEY and column.unit and column.unit != self.unit:
            return f"{column.label} ({unit_name(column.unit, lang)})"
        return column.label

    def unit_line(self, lang: str | None = None) -> str:
        if self.unit_text:
            return self.unit_text
        if self.unit is None:
            return ""
        return _("Unit: %(unit)s") % {"unit": unit_name(self.unit, lang)}

    def header_cells(self, lang: str | None = None) -> list[HeaderCell]:
        """Every cell of the heading, with its merged extent (row, col, rowspan, colspan)."""
        depth = self.header_depth
        cells: list[HeaderCell] = []

        def place(nodes: Sequence[Column | Group], row: int, col: int) -> int:
            for node in nodes:
                if isinstance(node, Group):
                    width = len(list(_leaves(node.columns)))
                    cells.append(HeaderCell(node.label, row, col, 1, width))
                    place(node.columns, row + 1, col)
                    col += width
                else:
                    cells.append(HeaderCell(self.heading(node, lang), row, col, depth - row, 1, node.kind))
                    col += 1
            return col

        place(self.tree, 0, 0)
        return cells

    def header_rows(self) -> list[list[HeaderCell]]:
        """The heading cells row by row (for ``<thead>``)."""
        rows: list[list[HeaderCell]] = [[] for _i in range(self.header_depth)]
        for cell in self.header_cells():
            rows[cell.row].append(cell)
        return rows

    def text(self, row: Row, column: Column, lang: str | None = None) -> str:
        """A cell as a reader sees it (rounded for display only)."""
        value = row.values.get(column.key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, datetime.date):
            return formatting.format_date(value, lang)
        decimals = self.decimals_of(column)
        if column.kind == MONEY:
            return formatting.format_money(
                int(value), self.unit_of(column), decimals, lang=lang, with_unit=False
            )
        if column.kind == PERCENT:
            return formatting.format_percent(value, decimals, lang)
        return formatting.format_number(value, decimals, lang)

    def body(self, lang: str | None = None) -> list[dict[str, Any]]:
        """The rows as text, with what a page needs to style them (for the HTML and PDF writers)."""
        return [
            {
                "level": row.level,
                "indent": row.indent,
                "cells": [
                    {
                        "text": self.text(row, column, lang),
                        # a sentence in a column of figures (a periodic report's assessment) wraps
                        # as text; a short note (“+30,50 % vượt”) stays aligned with the figures
                        "numeric": column.kind != TEXT and not _sentence(row.values.get(column.key)),
                        "label": column.key == self.label_key,
                        "number": column.key == NUMBER_KEY,
                    }
                    for column in self.columns
                ],
            }
            for row in self.rows
        ]

    def width(self, column: Column) -> float:
        """A column's width in characters: as declared, else from its longest figure or text and
        the longest word of its heading (headings wrap between words)."""
        if column.width:
            return column.width
        longest = max([len(self.text(r, column)) for r in self.rows] or [6])
        word = max((len(w) for w in self.heading(column).split()), default=4)
        if column.kind != TEXT:
            return float(min(max(longest + 3, word + 2, 10), 18))
        return float(min(max(longest * 1.1 + 2, word + 2, 14), 48))

    def width_percents(self) -> list[str]:
        """The widths as shares of the page (the PDF's ``<colgroup>``)."""
        widths = [self.width(c) for c in self.columns]
        return [f"{100 * w / sum(widths):.2f}%" for w in widths]

    def flat_label(self, column: Column, lang: str | None = None) -> str:
        """The heading with its groups, on one line (CSV and JSON): ``Kinh phí – KCQG``."""
        return " – ".join([*self.paths[column.key], self.heading(column, lang)])


def _sentence(value: Any) -> bool:
    """Text too long to sit on one line of a column of figures.

    >>> _sentence("Đề nghị Bộ Công Thương sớm giao kế hoạch"), _sentence("+30,50 % vượt"), _sentence(5)
    (True, False, False)
    """
    return isinstance(value, str) and len(value) > 30


@dataclass
class DocumentHeader:
    """What a Vietnamese administrative document carries around its table (Decree 30/2020/NĐ-CP):
    the issuing body (and the body above it) top left with the number under them, the national
    name and motto top right with the place and date, the document's kind over its title, and the
    signature block. ``signer_position`` may hold several lines (``"KT. CỤC TRƯỞNG\\nPHÓ CỤC
    TRƯỞNG"``)."""

    issuer: str
    parent: str = ""
    title: str = ""  # the document's own title; by default the title of its first table
    number: str = ""
    place: str = "Hà Nội"
    date: datetime.date | None = None
    document_type: str = ""
    signer_position: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
