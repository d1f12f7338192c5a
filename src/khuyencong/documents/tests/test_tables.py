"""The declaration: numbering, exact sums, merged headings, rounding only for display."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from khuyencong.documents.tables import MONEY, NUMBER, PERCENT, TEXT, Column, Group, Table, roman
from khuyencong.documents.tests.sample import GRAND, sample_table


def test_sections_get_roman_numerals_and_rows_restart_in_each():
    table = sample_table()
    numbers = [(r.level, r.number) for r in table.rows]
    assert numbers[:5] == [("section", "I"), ("row", "1"), ("row", "2"), ("row", "3"), ("subtotal", "")]
    assert ("section", "III") in numbers and numbers[-1] == ("total", "")
    assert [roman(n) for n in (1, 4, 9, 14, 40, 63)] == ["I", "IV", "IX", "XIV", "XL", "LXIII"]


def test_subtotals_and_the_total_are_exact_sums_of_the_rows():
    table = sample_table()
    subtotals = [r for r in table.rows if r.level == "subtotal"]
    assert [s.values["total"] for s in subtotals] == [61_620_500_000, 113_750_000_000, 36_180_000_000]
    total = table.rows[-1]
    assert total.values["total"] == GRAND == 211_550_500_000
    assert total.values["kcqg"] + total.values["kcdp"] == total.values["total"]
    assert total.values["projects"] == 87
    assert total.values["share"] == Decimal(100)  # given, not added up
    assert subtotals[0].values["share"] == Decimal(100 * 61_620_500_000) / GRAND


def test_indented_rows_are_not_counted_twice():
    table = Table("T", [Column("name", "Tên", kind=TEXT), Column("amount", "Số tiền")])
    table.row("Hà Nội", amount=100)
    table.row("trong đó: vốn vay", indent=1, amount=40)
    table.row("Huế", amount=50)
    assert table.total("Tổng").values["amount"] == 150
    assert [r.number for r in table.rows] == ["1", "", "2", ""]


def test_money_must_be_whole_dong_and_columns_must_exist():
    table = Table("T", [Column("name", "Tên", kind=TEXT), Column("amount", "Số tiền")])
    with pytest.raises(TypeError, match="whole đồng"):
        table.row("A", amount=1.5)
    with pytest.raises(KeyError, match="amont"):
        table.row("A", amont=1)
    table.row("B", amount=Decimal("1000"))
    assert table.rows[-1].values["amount"] == 1000 and isinstance(table.rows[-1].values["amount"], int)
    with pytest.raises(ValueError, match="text column"):
        Table("T", [Column("amount", "Số tiền")])


def test_rounding_happens_only_when_the_figure_is_shown():
    table = Table("T", [Column("name", "Tên", kind=TEXT), Column("amount", "Kinh phí")], unit="ty")
    row = table.row("A", amount=147_747_499_999)
    assert row.values["amount"] == 147_747_499_999
    assert table.text(row, table.column("amount"), "vi") == "147,747"
    assert table.text(row, table.column("amount"), "en") == "147.747"
    two = Table("T", [Column("name", "Tên", kind=TEXT), Column("amount", "Kinh phí", decimals=2)], unit="ty")
    assert two.text(two.row("A", amount=16_925_000_000), two.column("amount"), "vi") == "16,93"
    assert table.unit_line("vi") == "Đơn vị tính: tỷ đồng"


def test_a_column_in_another_unit_names_it_in_its_heading():
    table = Table(
        "T",
        [Column("name", "Tên", kind=TEXT), Column("a", "Kế hoạch"), Column("b", "Bình quân", unit="trieu")],
        unit="ty",
    )
    labels = [c.label for c in table.header_cells("vi")]
    assert labels == ["TT", "Tên", "Kế hoạch", "Bình quân (triệu đồng)"]


def test_merged_heading_cells_span_their_groups_and_leaves_span_down():
    table = sample_table()
    cells = {c.label: (c.row, c.col, c.rowspan, c.colspan) for c in table.header_cells("vi")}
    assert table.header_depth == 3
    assert cells["TT"] == (0, 0, 3, 1)
    assert cells["Vùng, tỉnh"] == (0, 1, 3, 1)
    assert cells["Kinh phí thực hiện"] == (0, 3, 1, 4)
    assert cells["Tổng số"] == (1, 3, 2, 1)
    assert cells["Trong đó"] == (1, 4, 1, 2)
    assert cells["Khuyến công quốc gia"] == (2, 4, 1, 1)
    assert cells["Vốn đối ứng"] == (1, 6, 2, 1)
    assert cells["Tỷ trọng so với cả nước"] == (0, 7, 3, 1)


def test_the_page_shows_the_table_with_its_merged_heading():
    html = render_to_string("documents/_table.html", {"table": sample_table(), "show_title": True})
    assert 'colspan="4">Kinh phí thực hiện</th>' in html
    assert 'rowspan="3">Vùng, tỉnh</th>' in html
    assert "Đơn vị tính: tỷ đồng" in html
    assert 'class="kc-level-total table-secondary fw-bold"' in html
    assert "211,551" in html and "100,00%" in html  # 211.550.500.000 đ in tỷ, 3 decimals
    assert "Bình quân một tỉnh = tổng ÷ 63 tỉnh, thành phố." in html


def test_kinds_are_checked():
    with pytest.raises(ValueError):
        Column("x", "X", kind="money-ish")
    assert Column("x", "X", kind=PERCENT).summed is False
    assert Column("x", "X", kind=NUMBER).summed and Column("x", "X", kind=MONEY).summed
    nested = Table("T", [Column("n", "N", kind=TEXT), Group("G", [Group("H", [Column("a", "A")])])])
    assert nested.flat_label(nested.column("a")) == "G – H – A"


def test_a_sentence_in_a_column_of_figures_wraps_as_text():
    """A periodic report puts its assessment in the column of reported figures: written as a figure
    (one line, never wrapped) it pushed the PDF's table off the page; a short note stays a figure."""
    from khuyencong.documents.tables import NUMBER, TEXT, Column, Table

    columns = [
        Column("name", "Chỉ tiêu", kind=TEXT),
        Column("value", "Số báo cáo", kind=NUMBER, summed=False),
    ]
    table = Table("T", columns, numbered=False)
    table.row("Đánh giá chung", value="Các đề án triển khai đúng tiến độ, công tác tư vấn được duy trì.")
    table.row("Ghi chú", value="+30,50 % vượt")
    table.row("Số cán bộ", value=18)
    cells = [row["cells"][-1]["numeric"] for row in table.body()]
    assert cells == [False, True, True]
