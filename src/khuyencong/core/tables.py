"""Declarative table columns shared by list pages and their CSV/Excel exports.

A list page declares its columns once; the page renders them with Vietnamese formatting and
sortable headers, and the export writes the same columns with raw values (numbers stay numbers
in Excel). One declaration, so what a user sees and what they download never disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html

from khuyencong.core import formatting


@dataclass
class Column:
    key: str
    label: Any  # a lazy translation
    accessor: str | Callable[[Any], Any] | None = None  # attribute path "province.name" or a callable
    sort: str | None = None  # order_by expression; None = not sortable
    kind: str = "text"  # text | number | money | date | datetime | bool | choice
    link: bool = False  # link the cell to the object's page
    unit: str = "trieu"  # for money columns
    css: str = ""
    export: bool = True
    # The header of the column in CSV/Excel exports, which write money in whole đồng: a money
    # column's label names its page unit (“million VND”), so it must say what the export holds.
    export_label: Any = None

    def __post_init__(self) -> None:
        if self.kind == "money" and self.export and self.unit != "dong" and self.export_label is None:
            raise ValueError(f"money column {self.key!r}: give the export header in đồng (export_label)")

    @property
    def export_header(self) -> str:
        return str(self.export_label if self.export_label is not None else self.label)

    def raw(self, obj: Any) -> Any:
        accessor = self.accessor or self.key
        if callable(accessor):
            return accessor(obj)
        value: Any = obj
        for part in accessor.split("."):
            if value is None:
                return None
            if self.kind == "choice" and part == accessor.split(".")[-1]:
                display = getattr(value, f"get_{part}_display", None)
                if display is not None:
                    return display()
            value = getattr(value, part, None)
            if callable(value) and not isinstance(value, type):
                value = value()
        return value

    def display(self, obj: Any) -> str:
        value = self.raw(obj)
        if self.kind == "money":
            text = formatting.format_money(value, self.unit, with_unit=False)
        elif self.kind == "number":
            text = formatting.format_number(value)
        elif self.kind == "date":
            text = formatting.format_date(value)
        elif self.kind == "datetime":
            text = formatting.format_datetime(value)
        elif self.kind == "bool":
            text = "✓" if value else ""
        else:
            text = "–" if value in (None, "") else str(value)
        if self.link and hasattr(obj, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), text)
        return text

    def export_value(self, obj: Any) -> Any:
        value = self.raw(obj)
        if isinstance(value, datetime.datetime):
            return formatting.format_datetime(value)
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, bool | int | float) or value is None:
            return value
        return str(value)

    @property
    def align_right(self) -> bool:
        return self.kind in {"number", "money"}
