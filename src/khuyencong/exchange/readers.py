"""Reading an uploaded table – Excel (.xlsx) or CSV – row by row, refusing hostile files cleanly.

What a file is comes from its first bytes, not its name. Before a single cell is read:

* a file over ``KC_IMPORT_MAX_BYTES`` (default 50 MB) is refused;
* an Excel file is a zip: its directory is read first and the file is refused when the sizes it
  declares are too large or too compressed to be a real spreadsheet (a zip bomb); then every part
  is decompressed in 1 MB pieces, counting the bytes really produced (a zip can lie about its
  sizes), looking for formulas and counting the rows, so nothing large is ever held in memory;
* a cell holding a **formula** refuses the file, naming the cells: a formula's value is whatever
  Excel last computed (or nothing, for a file written by a program), and it is never evaluated
  here. *Text* that starts like a formula (``=HYPERLINK(…)`` typed in a CSV cell or in a text cell)
  is ordinary text and is stored as typed: nothing in the product evaluates it and every export
  writes it back as text (``core/spreadsheets.py``);
* more data rows than ``KC_IMPORT_MAX_ROWS`` (default 200,000) are refused;
* a CSV file must be UTF-8 (with or without a byte-order mark); the separator (comma, semicolon or
  tab) is recognised from the header line. Another encoding is refused with the line where it
  went wrong and how to save the file as UTF-8.

The data are read from the sheet called “Dữ liệu” (the templates' data sheet) or else the first
sheet; the first non-empty row holds the column titles.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

DATA_SHEET = "Dữ liệu"
CHUNK = 1 << 20
MAX_COLUMNS = 200
MAX_ZIP_ENTRIES = 2_000
MAX_RATIO = 200  # uncompressed ÷ compressed for a part over 1 MB; real sheets stay far below
_FORMULA = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<(?:\w+:)?f[\s>/]')
_ANY_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")


class FileRefused(Exception):
    """The file cannot be read as a table; the message (Vietnamese) says why and what to do."""


def max_bytes() -> int:
    return int(getattr(settings, "KC_IMPORT_MAX_BYTES", 50 * 2**20))


def max_rows() -> int:
    return int(getattr(settings, "KC_IMPORT_MAX_ROWS", 200_000))


def max_uncompressed() -> int:
    return int(getattr(settings, "KC_IMPORT_MAX_UNCOMPRESSED", 20 * max_bytes()))


@dataclass
class Table:
    """The rows of a file: ``rows`` yields ``(row number in the file, [cell values])``."""

    format: str  # "xlsx" | "csv"
    sheet: str
    headers: list[str]
    header_row: int
    total: int  # data rows (an upper bound for CSV: lines after the header)
    rows: Iterator[tuple[int, list[Any]]] = field(repr=False)
    delimiter: str = ""


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f}".replace(",", ".")


def _check_size(path: Path) -> int:
    size = path.stat().st_size
    if size > max_bytes():
        raise FileRefused(
            _("The file is %(size)s MB; at most %(limit)s MB can be imported. Split it into several files.")
            % {"size": _mb(size), "limit": _mb(max_bytes())}
        )
    if size == 0:
        raise FileRefused(_("The file is empty."))
    return size


def sniff_format(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _("This is an old Excel file (.xls). Open it in Excel and save it as .xlsx, or as CSV UTF-8.")
        )
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z")):
        raise FileRefused(_("This file is not a spreadsheet: send an Excel file (.xlsx) or a CSV file."))
    return "csv"


def open_table(path: str | Path, name: str = "") -> Table:
    """Check the file and open its data rows; :class:`FileRefused` when it cannot be read. ``name``
    is the file's name as uploaded: one called ``….xlsx`` that is not an Excel file is refused as
    such, not read as a CSV file."""
    path = Path(path)
    _check_size(path)
    fmt = sniff_format(path)
    if fmt == "csv" and name.lower().endswith((".xlsx", ".xlsm")):
        raise _not_excel()
    return _open_xlsx(path) if fmt == "xlsx" else _open_csv(path)


# --- Excel --------------------------------------------------------------------------------------


def _not_excel() -> FileRefused:
    return FileRefused(_("This file is not a valid Excel file (.xlsx) – it may be damaged."))


def inspect_xlsx(path: Path) -> int:
    """Refuse zip bombs and formulas, without holding more than a piece of the file in memory;
    the number of rows in the worksheets."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _not_excel() from exc
    with archive:
        infos = archive.infolist()
        names = {i.filename for i in infos}
        if len(infos) > MAX_ZIP_ENTRIES or "xl/workbook.xml" not in names:
            raise _not_excel()
        declared = sum(i.file_size for i in infos)
        if declared > max_uncompressed():
            raise FileRefused(
                _(
                    "The file would unpack to %(size)s MB (at most %(limit)s MB): it is refused as a "
                    "possible zip bomb."
                )
                % {"size": _mb(declared), "limit": _mb(max_uncompressed())}
            )
        for info in infos:
            if info.file_size > CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise FileRefused(
                    _(
                        "A part of the file is compressed %(ratio)s times, more than any spreadsheet: it is "
                        "refused as a possible zip bomb."
                    )
                    % {"ratio": info.file_size // max(info.compress_size, 1)}
                )
        rows = 0
        produced = 0
        for info in infos:
            is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            tail = b""
            try:
                with archive.open(info) as member:
                    while True:
                        piece = member.read(CHUNK)
                        if not piece:
                            break
                        produced += len(piece)
                        if produced > max_uncompressed() or produced > declared:
                            raise FileRefused(
                                _(
                                    "The file unpacks to more than it declares: it is refused as a possible zip bomb."
                                )
                            )
                        if is_sheet:
                            window = tail + piece
                            if _ANY_FORMULA.search(window):
                                cells = [m.decode() for m in _FORMULA.findall(window)[:5]]
                                raise FileRefused(
                                    _(
                                        "The file holds formulas (cells %(cells)s). Formulas are not "
                                        "imported: copy the cells and paste them as values (Paste "
                                        "Special → Values), then send the file again."
                                    )
                                    % {"cells": ", ".join(cells) or "…"}
                                )
                            rows += len(_ROW.findall(piece))
                            tail = piece[-64:]
            except (zipfile.BadZipFile, zlib_error(), EOFError, NotImplementedError, RuntimeError) as exc:
                raise _not_excel() from exc
            if rows > max_rows() + 1_000:
                raise _too_many_rows(rows)
        return rows


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _too_many_rows(rows: int) -> FileRefused:
    return FileRefused(
        _("The file has more than %(limit)s rows (%(rows)s); split it into several files.")
        % {"limit": f"{max_rows():,}".replace(",", "."), "rows": f"{rows:,}".replace(",", ".")}
    )


def _open_xlsx(path: Path) -> Table:
    inspect_xlsx(path)
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet_name = DATA_SHEET if DATA_SHEET in book.sheet_names else book.sheet_names[0]
        sheet = book.get_sheet_by_name(sheet_name)
    except (CalamineError, IndexError, ValueError, OSError) as exc:
        raise _not_excel() from exc
    if sheet.height > max_rows() + 1:
        raise _too_many_rows(sheet.height)
    if sheet.width > MAX_COLUMNS:
        raise FileRefused(
            _("The sheet has %(n)s columns; a template has at most %(limit)s.")
            % {"n": sheet.width, "limit": MAX_COLUMNS}
        )
    offset = sheet.start[0] if sheet.start else 0
    iterator = iter(sheet.iter_rows())
    headers: list[str] = []
    header_row = 0
    for index, cells in enumerate(iterator):
        if any(_filled(c) for c in cells):
            headers = [str(c).strip() if c is not None else "" for c in cells]
            header_row = offset + index + 1
            break
    if not headers:
        raise FileRefused(_("The sheet “%(sheet)s” is empty.") % {"sheet": sheet_name})

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for index, cells in enumerate(iterator, start=header_row + 1):
            if any(_filled(c) for c in cells):
                yield index, [_printable(c) for c in cells]

    return Table("xlsx", sheet_name, headers, header_row, max(sheet.height - header_row, 0), rows())


# control characters a cell may carry (Excel writes NUL as ``_x0000_``, which the reader decodes):
# no record holds them, and PostgreSQL refuses NUL in text – taken out as the row is read; line
# breaks and tabs stay
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\n\t")
_CONTROL.update({0x7F: None})


def _printable(value: Any) -> Any:
    r"""``value`` without control characters when it is text.

    >>> _printable("a\x00b\x07"), _printable("dòng 1\ndòng 2"), _printable(5)
    ('ab', 'dòng 1\ndòng 2', 5)
    """
    return value.translate(_CONTROL) if isinstance(value, str) else value


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


# --- CSV ----------------------------------------------------------------------------------------


def _check_utf8(path: Path) -> int:
    """Decode the whole file in pieces; the number of lines. Refuse another encoding, naming the line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    with open(path, "rb") as handle:
        while True:
            piece = handle.read(CHUNK)
            try:
                text = decoder.decode(piece, final=not piece)
            except UnicodeDecodeError as exc:
                line = lines + piece[: exc.start].count(b"\n") + 1
                raise FileRefused(
                    _(
                        "The CSV file is not in UTF-8 (line %(line)s cannot be read; it may be saved in "
                        "Windows-1258, TCVN3 or another old encoding). In Excel choose Save As → “CSV "
                        "UTF-8 (Comma delimited)”, then send it again."
                    )
                    % {"line": line}
                ) from exc
            if "\x00" in text:
                raise FileRefused(
                    _("This file is not a spreadsheet: send an Excel file (.xlsx) or a CSV file.")
                )
            lines += piece.count(b"\n")
            if not piece:
                break
            if lines > max_rows() + 1_000:
                raise _too_many_rows(lines)
    return lines


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(path: Path) -> Table:
    lines = _check_utf8(path)
    handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 – closed when the rows end
    first = handle.readline()
    while first and not first.strip():
        first = handle.readline()
    if not first.strip():
        handle.close()
        raise FileRefused(_("The file is empty."))
    delimiter = _delimiter(first)
    try:
        headers = [h.strip() for h in next(csv.reader(io.StringIO(first), delimiter=delimiter))]
    except (csv.Error, StopIteration) as exc:
        handle.close()
        raise FileRefused(_("The first line of the CSV file cannot be read as column titles.")) from exc
    if len(headers) > MAX_COLUMNS:
        handle.close()
        raise FileRefused(
            _("The sheet has %(n)s columns; a template has at most %(limit)s.")
            % {"n": len(headers), "limit": MAX_COLUMNS}
        )

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            reader = csv.reader(handle, delimiter=delimiter)
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield reader.line_num + 1, [_printable(c) for c in cells]
        except csv.Error as exc:
            raise FileRefused(
                _("The CSV file cannot be read after line %(line)s: %(error)s")
                % {"line": reader.line_num + 1, "error": exc}
            ) from exc
        finally:
            handle.close()

    return Table("csv", "CSV", headers, 1, max(lines - 1, 1), rows(), delimiter=delimiter)
