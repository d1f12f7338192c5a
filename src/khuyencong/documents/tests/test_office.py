"""The Excel files open in LibreOffice: a generated workbook is converted to PDF headless, as the
agency's spreadsheet program would open and print it."""

import io
import os
import shutil
import subprocess
import unicodedata

import pypdf
import pytest

from khuyencong.documents.tests.sample import TITLE, sample_table
from khuyencong.documents.writers import xlsx_bytes

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


@pytest.fixture
def soffice():
    if os.environ.get("KC_SKIP_OFFICE"):
        pytest.skip("KC_SKIP_OFFICE is set: the Excel file is not opened in LibreOffice")
    if not os.access(SOFFICE, os.X_OK):
        pytest.fail("LibreOffice (soffice) is missing: run tools/ensure-libreoffice, or set KC_SKIP_OFFICE=1")
    return SOFFICE


def test_libreoffice_opens_the_xlsx_and_prints_it_on_one_a4_landscape_page(soffice, tmp_path):
    workbook = tmp_path / "bao-cao.xlsx"
    workbook.write_bytes(xlsx_bytes(sample_table()))
    done = subprocess.run(  # noqa: S603 – LibreOffice on our own file
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    printed = tmp_path / "bao-cao.pdf"
    assert done.returncode == 0 and printed.exists(), done.stdout + done.stderr
    reader = pypdf.PdfReader(io.BytesIO(printed.read_bytes()))
    assert len(reader.pages) == 1  # fit to one page wide (and this table is short)
    box = reader.pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == 297 and round(float(box.height) * 25.4 / 72) == 210
    text = unicodedata.normalize("NFC", " ".join(reader.pages[0].extract_text().split()))
    assert TITLE in text and "Tổng cộng" in text and "Trung du và miền núi phía Bắc" in text
    # the money cells hold đồng and LibreOffice shows them in tỷ, as the number format says
    assert "211" in text and "211550500000" not in text.replace(".", "").replace(",", "")
