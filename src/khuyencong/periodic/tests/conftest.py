"""People in every role (the project cycle's fixtures) and a filled-in Q2 2026 report."""

from __future__ import annotations

import datetime

import pytest

from khuyencong.projects.tests.conftest import hanoi, people, tuyen_quang  # noqa: F401

D = datetime.date

# a valid filling of the standard quarterly form (the ledger's fields are not typed)
FILLED = {
    "kinh-phi-ngoai-de-an": "25000000",
    "lao-dong-dao-tao": "120",
    "can-bo-tong-so": "18",
    "can-bo-bien-che": "12",
    "can-bo-hop-dong": "6",
    "can-bo-sau-dai-hoc": "3",
    "can-bo-dai-hoc": "13",
    "can-bo-trung-cap": "2",
    "ctv-huyen": "7",
    "ctv-xa": "60",
    "ctv-so-nguoi": "75",
    "tru-so": "1",
    "phuong-tien": "2",
    "trang-thiet-bi": "14",
    "tu-van-so-hop-dong": "5",
    "tu-van-doanh-thu": "350000000",
    "chuong-trinh-tinh": "1",
    "chuong-trinh-tinh-so": "1234/QĐ-UBND",
    "quy-che-kinh-phi": "1",
    "quy-che-kinh-phi-so": "56/2022/QĐ-UBND",
    "danh-gia": "Các đề án triển khai đúng tiến độ.",
}


@pytest.fixture
def quarterly(db):
    from khuyencong.periodic.models import ReportForm

    return ReportForm.objects.get(code="bao-cao-quy")


@pytest.fixture
def q2_report(people, tuyen_quang, quarterly):  # noqa: F811
    from khuyencong.periodic.services import report_open

    return report_open(
        user=people["doit"], form=quarterly, province=tuyen_quang, start=D(2026, 4, 1), end=D(2026, 6, 30)
    )


@pytest.fixture
def filled_report(people, q2_report):  # noqa: F811
    from khuyencong.periodic.services import report_save_values

    return report_save_values(user=people["doit"], report=q2_report, values=dict(FILLED))


@pytest.fixture
def registered_documents(tuyen_quang):  # noqa: F811
    """The two provincial documents FILLED names, in the legal-document registry."""
    from khuyencong.programmes.models import LegalDocument

    for number, kind, title in [
        ("1234/QĐ-UBND", "provincial_programme", "Phê duyệt Chương trình khuyến công tỉnh Tuyên Quang"),
        ("56/2022/QĐ-UBND", "provincial_regulation", "Quy định quản lý kinh phí khuyến công địa phương"),
    ]:
        LegalDocument.objects.create(
            number=number,
            kind=kind,
            title=title,
            issuer="UBND tỉnh Tuyên Quang",
            issued_on=D(2022, 3, 1),
            province=tuyen_quang,
        )
