"""Declarative table columns shared by list pages and their CSV/Excel exports.

A list page declares its columns once; the page renders them with Vietnamese formatting and
sortable headers, and the export writes the same columns with raw values (numbers stay numbers
in Excel). One declaration, so what a user sees and what they download never disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.hashable import make_hashable
from django.utils.html import format_html
from django.utils.safestring import SafeData
from django.utils.translation import get_language

from khuyencong.core import formatting

_choice_labels: dict[tuple, dict] = {}


def choice_label(model: Any, field_name: str, value: Any) -> Any:
    """What ``get_<field>_display()`` returns, from a table of the field's labels made once per
    language (a list page shows a hundred of them; Django translates every choice for each)."""
    key = (model, field_name, get_language())
    labels = _choice_labels.get(key)
    if labels is None:
        field = model._meta.get_field(field_name)
        labels = _choice_labels[key] = {make_hashable(k): str(label) for k, label in field.flatchoices}
    if value is None:
        return None
    return labels.get(make_hashable(value), str(value))


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
        accessor = self.accessor or self.key
        # the path read once here, not split on every cell (a page shows 500 of them)
        self._path: tuple[str, ...] = () if callable(accessor) else tuple(accessor.split("."))

    @property
    def export_header(self) -> str:
        return str(self.export_label if self.export_label is not None else self.label)

    def raw(self, obj: Any) -> Any:
        if not self._path:
            return self.accessor(obj)  # type: ignore[misc]
        value: Any = obj
        *parents, last = self._path
        for part in parents:
            value = getattr(value, part, None)
            if value is None:
                return None
        if self.kind == "choice":
            if hasattr(type(value), "_meta"):
                return choice_label(type(value), last, getattr(value, last, None))
            display = getattr(value, f"get_{last}_display", None)
            if display is not None:
                return display()
        value = getattr(value, last, None)
        if callable(value) and not isinstance(value, type):
            value = value()
        return value

    def text(self, obj: Any) -> str:
        """The cell's text as a user reads it, before any link."""
        value = self.raw(obj)
        kind = self.kind
        if kind == "money":
            return formatting.format_money(value, self.unit, with_unit=False)
        if kind == "number":
            return formatting.format_number(value)
        if kind == "date":
            return formatting.format_date(value)
        if kind == "datetime":
            return formatting.format_datetime(value)
        if kind == "bool":
            return "✓" if value else ""
        return "–" if value is None or value == "" else str(value)

    def display(self, obj: Any) -> str:
        text = self.text(obj)
        if self.link and hasattr(obj, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), text)
        return text

    def html(self, obj: Any) -> str:
        """The cell as HTML, escaped: :meth:`display` written with plain string operations (the
        list pages' table body, :func:`~khuyencong.core.templatetags.kc.table_rows`)."""
        text = self.text(obj)
        if not isinstance(text, SafeData):
            text = escape(text)
        if self.link and hasattr(obj, "get_absolute_url"):
            return f'<a href="{escape(obj.get_absolute_url())}">{text}</a>'
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

    def json_value(self, obj: Any) -> Any:
        """The value for a JSON export: numbers as numbers, dates and times in ISO 8601."""
        value = self.raw(obj)
        if isinstance(value, datetime.date):  # a datetime too
            return value.isoformat()
        if isinstance(value, bool | int | float) or value is None:
            return value
        if hasattr(value, "as_integer_ratio"):  # Decimal
            return int(value) if value == int(value) else float(value)
        return str(value)

    @property
    def align_right(self) -> bool:
        return self.kind in {"number", "money"}
