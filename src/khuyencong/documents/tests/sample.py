"""A small appendix-like table and a document header, built by hand, for the tests (and for looking
at the files they make)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from khuyencong.documents.tables import NUMBER, PERCENT, TEXT, Column, DocumentHeader, Group, Table

TITLE = "Kinh phí khuyến công giai đoạn 2021–2025 theo vùng và tỉnh"
REGIONS = [
    (
        "Trung du và miền núi phía Bắc",
        [
            ("Hà Giang", 12, 15_250_000_000, 9_750_000_000, 4_100_000_000),
            ("Cao Bằng", 8, 10_120_500_000, 6_000_000_000, 2_000_000_000),
            ("Lạng Sơn", 10, 12_000_000_000, 8_500_000_000, 3_333_000_000),
        ],
    ),
    (
        "Đồng bằng sông Hồng",
        [
            ("Hà Nội", 25, 30_500_000_000, 45_000_000_000, 12_000_000_000),
            ("Hải Phòng", 14, 18_250_000_000, 20_000_000_000, 5_500_000_000),
        ],
    ),
    (
        "Đồng bằng sông Cửu Long",
        [
            ("Đồng Tháp", 11, 16_930_000_000, 7_250_000_000, 4_000_000_000),
            ("Cà Mau", 7, 9_000_000_000, 3_000_000_000, 1_500_000_000),
        ],
    ),
]
GRAND = sum(a + b for _region, rows in REGIONS for _n, _p, a, b, _c in rows)  # 211.551 tỷ


def sample_table(title: str = TITLE) -> Table:
    table = Table(
        title,
        subtitle="(Kèm theo Báo cáo số 125/BC-ĐMST ngày 05/02/2026)",
        unit="ty",
        columns=[
            Column("name", "Vùng, tỉnh", kind=TEXT, width=30),
            Column("projects", "Số đề án", kind=NUMBER, width=10),
            Group(
                "Kinh phí thực hiện",
                [
                    Column("total", "Tổng số"),
                    Group(
                        "Trong đó",
                        [Column("kcqg", "Khuyến công quốc gia"), Column("kcdp", "Khuyến công địa phương")],
                    ),
                    Column("counterpart", "Vốn đối ứng"),
                ],
            ),
            Column("share", "Tỷ trọng so với cả nước", kind=PERCENT, width=12),
        ],
        footnotes=["Bình quân một tỉnh = tổng ÷ 63 tỉnh, thành phố."],
    )
    for region, rows in REGIONS:
        table.section(region)
        for name, projects, kcqg, kcdp, counterpart in rows:
            table.row(
                name,
                projects=projects,
                total=kcqg + kcdp,
                kcqg=kcqg,
                kcdp=kcdp,
                counterpart=counterpart,
                share=Decimal(100 * (kcqg + kcdp)) / GRAND,
            )
        region_total = sum(a + b for _n, _p, a, b, _c in rows)
        table.subtotal("Cộng vùng", share=Decimal(100 * region_total) / GRAND)
    table.total("Tổng cộng", share=Decimal(100))
    return table


def sample_header() -> DocumentHeader:
    return DocumentHeader(
        issuer="Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công",
        parent="Bộ Công Thương",
        number="125/BC-ĐMST",
        date=datetime.date(2026, 2, 5),
        document_type="Báo cáo",
        title="Kết quả thực hiện Chương trình khuyến công quốc gia giai đoạn 2021–2025",
        signer_position="KT. Cục trưởng\nPhó Cục trưởng",
        signer_name="Nguyễn Văn An",
        recipients=["Bộ trưởng (để báo cáo);", "Sở Công Thương các tỉnh, thành phố;", "Lưu: VT, KC."],
    )
