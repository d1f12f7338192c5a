"""Excel, CSV and JSON written from one declaration: the ministry's layout, the exact figures."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from khuyencong.documents.tables import TEXT, Column, Table
from khuyencong.documents.tests.sample import GRAND, TITLE, sample_table
from khuyencong.documents.writers import csv_text, json_text, xlsx_bytes

ATTACK = '=HYPERLINK("http://evil.example","Bấm vào đây")'


def _sheet(table=None):
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table or sample_table())))
    return book.worksheets[0]


def _row_of(sheet, label):
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == label)


def test_xlsx_has_the_title_unit_and_merged_heading():
    sheet = _sheet()
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].value == TITLE and "A1:H1" in merged and sheet["A1"].font.b
    assert sheet["A2"].value.startswith("(Kèm theo") and "A2:H2" in merged
    assert sheet["A3"].value == "Đơn vị tính: tỷ đồng" and sheet["A3"].alignment.horizontal == "right"
    # heading: rows 4–6; groups across, leaves down
    assert sheet["A4"].value == "TT" and "A4:A6" in merged
    assert sheet["B4"].value == "Vùng, tỉnh" and "B4:B6" in merged
    assert sheet["D4"].value == "Kinh phí thực hiện" and "D4:G4" in merged
    assert sheet["D5"].value == "Tổng số" and "D5:D6" in merged
    assert sheet["E5"].value == "Trong đó" and "E5:F5" in merged
    assert sheet["E6"].value == "Khuyến công quốc gia" and sheet["E6"].font.b
    assert sheet["H4"].value == "Tỷ trọng so với cả nước" and "H4:H6" in merged
    assert sheet.freeze_panes == "C7"


def test_xlsx_holds_exact_dong_shown_in_the_unit_and_bold_totals():
    sheet = _sheet()
    first = _row_of(sheet, "Hà Giang")
    assert sheet.cell(first, 1).value == "1"
    assert sheet.cell(first, 4).value == 25_000_000_000
    assert sheet.cell(first, 4).number_format == "#,##0.000,,,"  # tỷ đồng, three decimals
    assert sheet.cell(first, 3).number_format == "#,##0"
    assert sheet.cell(first, 8).number_format == "0.00%"
    assert sheet.cell(first, 8).value == pytest.approx(25_000_000_000 / GRAND)
    assert not sheet.cell(first, 4).font.b
    section = _row_of(sheet, "Trung du và miền núi phía Bắc")
    assert sheet.cell(section, 1).value == "I" and sheet.cell(section, 2).font.b
    subtotal = _row_of(sheet, "Cộng vùng")
    assert sheet.cell(subtotal, 4).value == 61_620_500_000 and sheet.cell(subtotal, 4).font.b
    total = _row_of(sheet, "Tổng cộng")
    assert [sheet.cell(total, c).value for c in range(3, 8)] == [
        87,
        GRAND,
        112_050_500_000,
        99_500_000_000,
        32_433_000_000,
    ]
    assert sheet.cell(total, 4).font.b and sheet.cell(total, 4).border.top.style == "thin"
    details = list(range(section + 1, subtotal))
    assert sum(sheet.cell(r, 4).value for r in details) == sheet.cell(subtotal, 4).value
    assert sheet.cell(total + 2, 1).value == "Bình quân một tỉnh = tổng ÷ 63 tỉnh, thành phố."


def test_xlsx_prints_on_a4_landscape_one_page_wide_with_the_heading_on_every_page():
    sheet = _sheet()
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1, "1")  # absent: 1, the file format's default
    assert int(sheet.page_setup.fitToHeight) == 0  # as many pages down as it takes
    assert sheet.print_title_rows == "$4:$6"
    assert sheet.print_options.horizontalCentered


def test_no_cell_of_the_xlsx_can_run_and_guarded_text_keeps_its_look():
    table = sample_table()
    table.row(ATTACK, projects=1, total=5)
    sheet = _sheet(table)
    cell = sheet.cell(_row_of(sheet, ATTACK), 2)
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.border.left.style == "thin"  # the guard keeps the cell's borders
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_several_tables_become_several_sheets_with_valid_names():
    one = Table("Theo tỉnh: [2027]", [Column("n", "Tên", kind=TEXT), Column("a", "Kinh phí")])
    two = Table("Theo tỉnh: [2027]", [Column("n", "Tên", kind=TEXT), Column("a", "Kinh phí")])
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([one, two])))
    assert book.sheetnames == ["Theo tỉnh   2027", "Theo tỉnh   2027 (2)"]


def test_csv_has_a_bom_and_the_exact_figures():
    table = sample_table()
    table.row(ATTACK, projects=1, total=5)
    text = csv_text(table)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["TT", "Vùng, tỉnh", "Số đề án", "Kinh phí thực hiện – Tổng số (đồng)"]
    assert rows[0][4] == "Kinh phí thực hiện – Trong đó – Khuyến công quốc gia (đồng)"
    assert rows[0][7] == "Tỷ trọng so với cả nước (%)"
    hg = next(r for r in rows if r[1] == "Hà Giang")
    assert hg[:6] == ["1", "Hà Giang", "12", "25000000000", "15250000000", "9750000000"]
    assert Decimal(hg[7]) == Decimal(100 * 25_000_000_000) / GRAND
    total = next(r for r in rows if r[1] == "Tổng cộng")
    assert total[3] == "211550500000" and total[7] == "100"
    assert next(r for r in rows if r[1].endswith('Bấm vào đây")'))[1] == "'" + ATTACK


def test_json_has_column_metadata_and_exact_values():
    data = json.loads(json_text(sample_table()))
    assert data["title"] == TITLE and data["unit"] == "ty"
    columns = {c["key"]: c for c in data["columns"]}
    assert "_number" not in columns
    assert columns["kcqg"] == {
        "key": "kcqg",
        "label": "Khuyến công quốc gia",
        "groups": ["Kinh phí thực hiện", "Trong đó"],
        "kind": "money",
        "unit": "dong",
        "shown_in": "ty",
        "decimals": 3,
    }
    total = data["rows"][-1]
    assert total["level"] == "total" and total["values"]["total"] == 211_550_500_000
    first = data["rows"][1]
    assert first["number"] == "1" and first["values"]["name"] == "Hà Giang"
    assert Decimal(first["values"]["share"]) == Decimal(100 * 25_000_000_000) / GRAND
    assert data["footnotes"] == ["Bình quân một tỉnh = tổng ÷ 63 tỉnh, thành phố."]


def test_lead_paragraphs_go_between_the_title_and_the_table_in_every_document():
    from khuyencong.documents.pdf import document_html
    from khuyencong.documents.tables import DocumentHeader

    lead = ["Tổng kinh phí giai đoạn là 1.737,73 tỷ đồng.", "Trong đó kinh phí KCQG chiếm 43,49%."]
    table = Table(
        "Kinh phí theo nguồn",
        [Column("name", "Nguồn", kind=TEXT), Column("amount", "Số tiền")],
        unit="ty",
        lead=lead,
    )
    table.row("KCQG", amount=755_710_000_000)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table))).worksheets[0]
    assert [sheet["A2"].value, sheet["A3"].value] == lead  # under the title, above the unit line
    assert sheet["A4"].value == "Đơn vị tính: tỷ đồng" and sheet["A5"].value == "TT"
    assert "A2:C2" in {str(r) for r in sheet.merged_cells.ranges}
    assert json.loads(json_text(table))["lead"] == lead
    html = document_html([table, table], DocumentHeader(issuer="Cục", title="Báo cáo"))
    assert html.index(lead[0]) < html.index(lead[1]) < html.index('class="figures"')
    from khuyencong.documents.writers import html_table

    page = html_table(table, show_title=True)
    assert page.index("Kinh phí theo nguồn") < page.index(lead[1]) < page.index("<table")
    assert lead[0] not in csv_text(table)  # a CSV file is the figures only
