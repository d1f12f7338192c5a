"""Kinds of data that can be imported, each a declaration of its columns.

A :class:`Kind` lists its :class:`Column`\\ s – key, title (English msgid, Vietnamese through the
translations), meaning, type, unit, whether required, allowed values, an example – and says how a
row becomes a record through the app's services. Everything else is generated from the
declaration: the Excel template with its explanation sheet and drop-down lists
(``templates_xlsx.py``), the CSV template, ``docs/import.md``, the header matching of the
readers and the checks of every cell (``services.run_import``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from khuyencong.core.bounds import validate_money, validate_plausible_date
from khuyencong.core.text import fold
from khuyencong.core.unitmemo import remembered
from khuyencong.exchange import values

TYPES = {
    "text": _("text"),
    "integer": _("whole number"),
    "number": _("number (12 or 12,5)"),
    "period": _("period as reports write it (Quý II/2026, 6 tháng đầu năm 2026, Năm 2026)"),
    "money": _("amount in đồng (1.234.567, 1,5 tỷ or 150 triệu)"),
    "date": _("date (dd/mm/yyyy)"),
    "bool": _("yes/no (Có or Không)"),
    "choice": _("one of a list"),
    "province": _("province name (either geography)"),
    "commune": _("commune, ward or special zone name"),
    "code": _("code"),
}


@dataclass(frozen=True)
class Column:
    key: str
    title: Any  # lazy translation
    meaning: Any
    type: str = "text"
    required: bool = False
    unit: Any = ""
    choices: Callable[[], list[tuple[str, str]]] | None = None
    example: str = ""
    max_length: int | None = None
    field: str | None = None  # the model field the column fills, to place the services' errors
    validation_list: bool = True  # a drop-down list in the Excel template (short lists only)

    def title_in(self, language: str) -> str:
        with override(language):
            return str(capfirst(self.title))

    def header_keys(self) -> set[str]:
        """What a column title may be written as: the Vietnamese or English title, or the key."""
        return {fold(self.title_in("vi")), fold(self.title_in("en")), fold(self.key)}

    def allowed_values(self) -> list[str]:
        return [label for _code, label in self.choices()] if self.choices else []


@dataclass
class CellError:
    row: int
    column: str  # key, "" for the row as a whole
    message: str
    value: str = ""


@dataclass
class Parsed:
    """One row read: the data for the service, the natural key, the errors found."""

    row: int
    data: dict[str, Any] = field(default_factory=dict)
    key: tuple | None = None
    errors: list[CellError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def error(self, column: str, message: str, value: Any = "") -> None:
        self.errors.append(CellError(self.row, column, str(message), values.clean_text(value)[:200]))


class RowRefused(Exception):
    """Raised by :meth:`Kind.write` with the row's errors by column (the services refused it)."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(errors)
        self.errors = errors


class Kind:
    """What every kind declares and answers; see ``kinds/establishments.py``."""

    key: str = ""
    label: Any = ""
    description: Any = ""
    natural_key: Any = ""  # how a row finds the record it updates (documentation)
    notes: Any = ""  # the kind's own rules, in the guide sheet and docs/import.md
    columns: list[Column] = []

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def example_row(self) -> list[str]:
        return [c.example for c in self.columns]

    def example_rows(self) -> list[list[str]]:
        """The rows under the titles in the templates (one example; a kind may list more)."""
        return [self.example_row()]

    def may_import(self, user) -> bool:
        """Whether the user's role writes this kind of data at all (each row is checked anyway)."""
        raise NotImplementedError

    def record_url(self, object_id: int) -> str | None:
        """The page of a record this kind writes (the result page links the rows to it)."""
        return None

    def records_of(self, obj: Any) -> Any | None:
        """The records of this kind that ``obj``'s page shows (a project's page: its indicator
        actuals), as a queryset of their ``pk`` values; ``None`` if none. The record itself (an
        establishment on its own page) needs nothing here."""
        return None

    def record_labels(self, object_ids: list[int]) -> dict[int, tuple[str, str | None]]:
        """``{id: (label, url)}`` for the result page, in one query for the whole page of records."""
        return {pk: (f"#{pk}", self.record_url(pk)) for pk in object_ids}

    menu: str = ""  # the menu the kind's pages belong to
    list_url: str = ""  # URL name of the list the result page links to
    list_label: Any = ""

    def prepare(self, user) -> Any:
        """The context shared by every row of one run (look-up tables, the user). The framework sets
        ``context.dry_run`` on it: a kind may leave the rehearsal of its services to the write
        pass of a real import (which reports the same errors and writes nothing)."""
        raise NotImplementedError

    def parse(self, row: int, cells: dict[str, Any], context: Any) -> Parsed:
        raise NotImplementedError

    def resolve(self, rows: list[Parsed], context: Any) -> None:
        """Find the existing record of each row (by natural key) and check it through the services
        (adds errors, sets ``extra["existing"]`` and ``extra["action"]``)."""
        raise NotImplementedError

    def write(self, parsed: Parsed, context: Any) -> tuple[str, Any]:
        """Write one checked row through the services: ``("created"|"updated"|"unchanged", record)``.
        A kind may only hand the row over here and write the chunk's rows together in
        :meth:`flush`; the record it returns has its ``pk`` once the chunk is flushed."""
        raise NotImplementedError

    def flush(self, context: Any) -> list[CellError]:
        """Write what :meth:`write` handed over for the chunk; the errors of rows the services
        refused (the whole import is then rolled back)."""
        return []

    #: The rows checked by an import that goes on to write are kept (in a temporary file, a chunk at
    #: a time) and written as they were checked, instead of the file being read and checked again.
    #: Only for a kind whose rows do not depend on each other's writes (a row never finds a record
    #: an earlier row of the same file creates).
    keeps_checked_rows: bool = False

    def pack(self, rows: list[Parsed], context: Any) -> Any:
        """A checked chunk as it is kept (picklable; e.g. records replaced by their ids)."""
        return rows

    def unpack(self, packed: Any, context: Any) -> list[Parsed]:
        """The chunk :meth:`pack` kept, in this run (``context``), to be written."""
        return packed

    def finish(self, context: Any, *, final: bool) -> list[CellError]:
        """Called once after every chunk, inside the import's transaction: for a kind whose rows are
        applied together in an order of their own (money movements in date order), not in the
        file's. ``final=False`` in the check pass of a dry run (rehearse and undo: the errors are
        the preview's), ``final=True`` in the write pass (write; any error rolls the import back).
        A real import (no dry run) applies the rows once, in the write pass: a failure there
        reports the same errors and writes nothing."""
        return []

    def record_model(self, user) -> Any:
        """The model of the records each row is marked as imported on (``ImportedRecord``)."""
        return self.export_queryset(user).model

    def export_queryset(self, user) -> Any:
        raise NotImplementedError

    def export_values(self, record: Any) -> list[Any]:
        raise NotImplementedError

    #: how many records :meth:`export_page` is given at a time
    export_page_size: int = 2000

    def export_page(self, records: list[Any]) -> list[list[Any]]:
        """The rows of a page of records (a kind that reads related records for its columns reads
        them here, once for the page, instead of once per record)."""
        return [self.export_values(record) for record in records]

    def export_rows(self, records: Iterable[Any]) -> Iterator[list[Any]]:
        """Every row of ``records`` (an iterator over :meth:`export_queryset`), a page at a time."""
        for page in chunks(records, self.export_page_size):
            yield from self.export_page(page)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.key] = kind
    return kind


def get_kind(key: str | None) -> Kind | None:
    return KINDS.get(key or "")


def kind_choices() -> list[tuple[str, str]]:
    return [(k.key, str(k.label)) for k in KINDS.values()]


# shared cell readers -------------------------------------------------------------------------------


# the types whose cells repeat (dates, amounts, coded values): each value is read once per import
_REPEATED = {"integer", "money", "number", "date", "bool", "choice"}


def read_cell(column: Column, value: Any) -> Any:
    """The value of one cell by the column's type (``None`` when empty); :class:`values.ValueProblem`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column.type in _REPEATED and isinstance(value, (str, int, float, datetime.date)):
        key = ("cell", column.key, column.type, type(value), value)
        return remembered(key, lambda: _read_cell(column, value))
    return _read_cell(column, value)


def _read_cell(column: Column, value: Any) -> Any:
    kind = column.type
    if kind == "integer":
        return values.parse_integer(value)
    if kind == "money":
        return _within_bounds(values.parse_money(value), validate_money)
    if kind == "number":
        return values.parse_number(value)
    if kind == "date":
        return _within_bounds(values.parse_date(value), validate_plausible_date)
    if kind == "bool":
        return values.parse_bool(value)
    if kind == "choice" and column.choices:
        return values.parse_choice(value, column.choices())
    text = values.clean_text(value)
    if column.max_length and len(text) > column.max_length:
        raise values.ValueProblem(
            _("The text is %(n)s characters long; at most %(limit)s.")
            % {"n": len(text), "limit": column.max_length}
        )
    return text


def _within_bounds(value: Any, validator: Callable[[Any], None]) -> Any:
    """``value`` if the one set of bounds of :mod:`khuyencong.core.bounds` admits it (an amount of
    10^20 đồng, a date in year 9999 are typing mistakes the pages and the API refuse too)."""
    try:
        validator(value)
    except ValidationError as error:
        raise values.ValueProblem(" ".join(error.messages)) from error
    return value


class _Undo(Exception):
    pass


def rehearse(action: Callable[[], Any]) -> None:
    """Run ``action`` (a service call) in a savepoint and undo it: the service's own checks – scope,
    state, validation – without writing. Its ``ValidationError``, ``PermissionDenied`` or
    ``ConflictError`` goes to the caller."""
    from django.db import transaction

    try:
        with transaction.atomic():
            action()
            raise _Undo
    except _Undo:
        pass


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
