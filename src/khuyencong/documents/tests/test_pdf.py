"""The PDF: a Vietnamese administrative document (Decree 30/2020/NĐ-CP) with the font embedded."""

import io
import unicodedata

import pypdf

from khuyencong.documents.pdf import FONTS, document_html, pdf_bytes
from khuyencong.documents.tables import TEXT, Column, Table
from khuyencong.documents.tests.sample import sample_header, sample_table


def _text(reader: pypdf.PdfReader) -> str:
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _fonts(reader: pypdf.PdfReader) -> dict[str, bool]:
    """Each font the pages use, and whether the file embeds it."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return found


def test_the_pdf_is_a_decree_30_document_in_vietnamese():
    pdf = pdf_bytes(sample_table(), sample_header())
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = _text(reader)
    for expected in (
        "BỘ CÔNG THƯƠNG",
        "CỤC ĐỔI MỚI SÁNG TẠO, CHUYỂN ĐỔI XANH VÀ KHUYẾN CÔNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/BC-ĐMST",
        "Hà Nội, ngày 05 tháng 02 năm 2026",
        "BÁO CÁO",
        "Kết quả thực hiện Chương trình khuyến công quốc gia giai đoạn 2021–2025",
        "Kinh phí khuyến công giai đoạn 2021–2025 theo vùng và tỉnh",
        "Đơn vị tính: tỷ đồng",
        "Trung du và miền núi phía Bắc",
        "Đồng Tháp",
        "211,551",
        "Nơi nhận:",
        "KT. CỤC TRƯỞNG",
        "PHÓ CỤC TRƯỞNG",
        "Nguyễn Văn An",
    ):
        assert expected in text, expected
    # a table of eight columns is printed across an A4 landscape page
    box = reader.pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == 297 and round(float(box.height) * 25.4 / 72) == 210


def test_the_vendored_font_is_embedded_and_no_other_is_used():
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(sample_table(), sample_header())))
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts
    assert all("Tinos" in name for name in fonts), fonts  # subset names such as /ABCDEF+Tinos-Bold
    assert (FONTS / "OFL.txt").read_text(encoding="utf-8").find("SIL Open Font License") >= 0


def test_a_narrow_table_is_printed_portrait_and_several_tables_follow_each_other():
    narrow = Table(
        "Số đề án theo năm", [Column("year", "Năm", kind=TEXT), Column("n", "Số đề án", kind="number")]
    )
    narrow.row("2025", n=120)
    second = Table("Kinh phí theo năm", [Column("year", "Năm", kind=TEXT), Column("a", "Kinh phí")])
    second.row("2025", a=1_000_000_000)
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes([narrow, second], sample_header())))
    box = reader.pages[0].mediabox
    assert float(box.height) > float(box.width)  # A4 portrait
    text = _text(reader)
    assert "Số đề án theo năm" in text and "Kinh phí theo năm" in text and "1.000" in text


def test_english_interface_gives_the_english_national_name(settings):
    from django.utils import translation

    with translation.override("en"):
        html = document_html(sample_table(), sample_header())
    assert "SOCIALIST REPUBLIC OF VIET NAM" in html and "Hà Nội, 5 February 2026" in html
