"""One download helper for every format."""

import json

import pytest

from khuyencong.documents.responses import CONTENT_TYPES, download, file_name
from khuyencong.documents.tests.sample import TITLE, sample_header, sample_table


@pytest.mark.parametrize(
    ("fmt", "starts"),
    [
        ("xlsx", b"PK"),
        ("pdf", b"%PDF"),
        ("csv", "\ufeff".encode()),
        ("json", b"{"),
        ("html", b"<!DOCTYPE html>"),
    ],
)
def test_each_format_has_its_type_and_a_file_name(fmt, starts):
    response = download(sample_table(), fmt, "Tổng hợp kinh phí 2021–2025", header=sample_header())
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"] == f'attachment; filename="tong-hop-kinh-phi-2021-2025.{fmt}"'
    assert response.content.lstrip(b"\n").startswith(starts)


def test_the_json_and_html_downloads_carry_the_table():
    data = json.loads(download(sample_table(), "json", "x").content)
    assert data["title"] == TITLE
    html = download(sample_table(), "html", "x", header=sample_header()).content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and TITLE in html


def test_what_cannot_be_written_is_refused():
    with pytest.raises(ValueError, match="header"):
        download(sample_table(), "pdf", "x")
    with pytest.raises(ValueError, match="one table"):
        download([sample_table(), sample_table()], "csv", "x")
    with pytest.raises(ValueError, match="unknown format"):
        download(sample_table(), "docx", "x")
    assert file_name("", "pdf") == "bao-cao.pdf"
    assert file_name("Báo cáo Đắk Lắk / quý I", "csv") == "bao-cao-dak-lak-quy-i.csv"
