"""The Excel files open in LibreOffice: a generated workbook is converted to PDF headless, as the
agency's spreadsheet program would open and print it.

The workbook asks for Times New Roman, which the agency's computers have and a Linux machine does
not; LibreOffice is told to print it in Tinos (the vendored face with the same metrics and every
Vietnamese letter) rather than in whatever serif the machine has – a face without the Vietnamese
letters would print them from another font, out of order. It runs in a Vietnamese locale, as on
the agency's computers, so the figures read as the ministry prints them.
"""

import io
import os
import shutil
import subprocess
import unicodedata

import pypdf
import pytest

from khuyencong.documents.pdf import FONTS
from khuyencong.documents.tests.sample import TITLE, sample_table
from khuyencong.documents.writers import xlsx_bytes

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""
TIMES_AS_TINOS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Font/Substitution">
 <prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">
 <node oor:name="_0" oor:op="replace">
 <prop oor:name="Always" oor:op="fuse"><value>true</value></prop>
 <prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>
 <prop oor:name="ReplaceFont" oor:op="fuse"><value>Times New Roman</value></prop>
 <prop oor:name="SubstituteFont" oor:op="fuse"><value>Tinos</value></prop></node></item>
</oor:items>
"""


def convert(soffice: str, workbook, folder) -> subprocess.CompletedProcess:
    """``soffice --headless --convert-to pdf`` with its own profile, Tinos for Times New Roman."""
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(TIMES_AS_TINOS, encoding="utf-8")
    conf = folder / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts=FONTS, cache=folder / "font-cache"), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "LC_ALL": "vi_VN.UTF-8", "LANG": "vi_VN.UTF-8"}
    return subprocess.run(  # noqa: S603 – LibreOffice on our own file
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )


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
    done = convert(soffice, workbook, tmp_path)
    printed = tmp_path / "bao-cao.pdf"
    assert done.returncode == 0 and printed.exists(), done.stdout + done.stderr
    reader = pypdf.PdfReader(io.BytesIO(printed.read_bytes()))
    assert len(reader.pages) == 1  # fit to one page wide (and this table is short)
    box = reader.pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == 297 and round(float(box.height) * 25.4 / 72) == 210
    text = unicodedata.normalize("NFC", " ".join(reader.pages[0].extract_text().split()))
    assert TITLE in text and "Tổng cộng" in text and "Trung du và miền núi phía Bắc" in text
    # the money cells hold đồng and LibreOffice shows them in tỷ, as the number format says
    assert "211,551" in text and "25,000" in text and "100,00%" in text
    assert "211550500000" not in text.replace(".", "").replace(",", "")
    fonts = {str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("Tinos" in name for name in fonts), fonts
