"""Tables as Vietnamese administrative documents (Decree 30/2020/NĐ-CP), printed by WeasyPrint.

The page carries, as the decree lays out: top left the body above the issuer and the issuer (with
a short rule under it) and the document's number; top right the national name and the motto
(underlined) and the place and date in italics; the kind of document and its title centred in
bold; the tables; the recipients bottom left and the signature block bottom right. The face is
Tinos (Times New Roman's metrics, every Vietnamese letter), vendored with its licence in
``data/fonts/tinos`` and embedded in every PDF.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from khuyencong.documents.tables import DocumentHeader, Table
from khuyencong.documents.writers import tables_of

FONTS = Path(__file__).resolve().parent / "data" / "fonts" / "tinos"
FONT_FILES = {
    ("normal", "normal"): "Tinos-Regular.ttf",
    ("bold", "normal"): "Tinos-Bold.ttf",
    ("normal", "italic"): "Tinos-Italic.ttf",
    ("bold", "italic"): "Tinos-BoldItalic.ttf",
}
MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
WIDE = 7  # tables with more columns than this are printed across an A4 landscape page


def place_and_date(place: str, date: datetime.date, lang: str | None = None) -> str:
    """``Hà Nội, ngày 05 tháng 02 năm 2026``: the decree writes a 0 before days under 10 and
    before the months 1 and 2 only.

    >>> place_and_date("Hà Nội", datetime.date(2026, 2, 5), "vi")
    'Hà Nội, ngày 05 tháng 02 năm 2026'
    >>> place_and_date("Hà Nội", datetime.date(2026, 11, 30), "vi")
    'Hà Nội, ngày 30 tháng 11 năm 2026'
    >>> place_and_date("Hà Nội", datetime.date(2026, 3, 9), "en")
    'Hà Nội, 9 March 2026'
    """
    if (lang or get_language() or "vi").startswith("en"):
        return f"{place}, {date.day} {MONTHS_EN[date.month - 1]} {date.year}"
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def font_faces() -> list[dict[str, str]]:
    return [
        {"weight": weight, "style": style, "url": (FONTS / name).as_uri()}
        for (weight, style), name in FONT_FILES.items()
    ]


def document_html(
    tables: Table | Sequence[Table], header: DocumentHeader, *, landscape: bool | None = None
) -> str:
    """The document as HTML (what WeasyPrint prints; also the "html" download)."""
    every = tables_of(tables)
    if landscape is None:
        landscape = any(len(t.columns) > WIDE for t in every)
    title = header.title or (every[0].title if every else "")
    return render_to_string(
        "documents/document.html",
        {
            "header": header,
            "tables": every,
            "title": title,
            "subtitle": "" if header.title or not every else every[0].subtitle,
            "repeat_first_title": bool(header.title) or len(every) > 1,
            "place_and_date": place_and_date(header.place, header.date or timezone.localdate()),
            "signer_lines": [line for line in header.signer_position.splitlines() if line.strip()],
            "landscape": landscape,
            "fonts": font_faces(),
        },
    )


def pdf_bytes(
    tables: Table | Sequence[Table], header: DocumentHeader, *, landscape: bool | None = None
) -> bytes:
    """The document as a PDF (A4; landscape for wide tables), its font embedded."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = document_html(tables, header, landscape=landscape)
    fonts = FontConfiguration()
    pdf = HTML(string=html, base_url=str(FONTS)).write_pdf(font_config=fonts)
    if pdf is None:  # only when writing to a target, which we do not
        raise RuntimeError("WeasyPrint wrote no PDF")
    return pdf
