"""One response for every download of a report table: ``download(table, "xlsx", "Tổng hợp 2027")``.

>>> file_name("Tổng hợp kinh phí 2027 – Đắk Lắk", "xlsx")
'tong-hop-kinh-phi-2027-dak-lak.xlsx'
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpResponse
from django.utils.text import slugify
from unidecode import unidecode

from khuyencong.documents.tables import DocumentHeader, Table
from khuyencong.documents.writers import csv_text, json_text, tables_of, xlsx_bytes

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
FORMATS = tuple(CONTENT_TYPES)


def file_name(name: str, fmt: str) -> str:
    """An ASCII file name every browser and mail program keeps: Vietnamese letters lose their marks."""
    return f"{slugify(unidecode(name)) or 'bao-cao'}.{fmt}"


def render(tables: Table | Sequence[Table], fmt: str, header: DocumentHeader | None = None) -> bytes:
    """The bytes of a table (or of several: sheets of a workbook, sections of a document)."""
    if fmt == "xlsx":
        return xlsx_bytes(tables)
    if fmt == "csv":
        every = tables_of(tables)
        if len(every) != 1:
            raise ValueError("a CSV file holds one table")
        return csv_text(every[0]).encode("utf-8")
    if fmt == "json":
        return json_text(tables).encode("utf-8")
    if fmt in ("pdf", "html"):
        if header is None:
            raise ValueError("a document needs its header (issuing body, place and date, signer)")
        from khuyencong.documents.pdf import document_html, pdf_bytes

        if fmt == "pdf":
            return pdf_bytes(tables, header)
        return document_html(tables, header).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def download(
    tables: Table | Sequence[Table], fmt: str, filename: str, header: DocumentHeader | None = None
) -> HttpResponse:
    """The table as a file to save, in ``fmt`` (html, xlsx, pdf, csv or json)."""
    response = HttpResponse(render(tables, fmt, header), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(filename, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
