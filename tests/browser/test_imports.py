"""A provincial officer imports establishments from the Excel template: downloads it, uploads a file
with errors and sees every one (row, column, reason), fixes the file, uploads it again, confirms,
watches the job's progress bar to the end, reads the result page with the records linked, and opens
one whose page says which file and row it came from.

The jobs go through the real database queue (not run inside the request as elsewhere in the tests);
the test plays the worker: it runs each queued job while the browser watches its page."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from khuyencong.core import jobs
from khuyencong.core.models import Job
from khuyencong.establishments.models import Establishment
from khuyencong.exchange.kinds.establishments import ESTABLISHMENTS
from khuyencong.geo.models import AdministrativeUnit, Level
from khuyencong.testing.factories import valid_tax_code
from tests.browser.conftest import screenshot, sign_in

SERIALS = (7101, 7102, 7103)


@pytest.fixture
def queued(settings):
    settings.KC_JOBS_BACKEND_ALIAS = "database"


def _rows(commune, broken: bool) -> list[dict]:
    rows = []
    for n, serial in enumerate(SERIALS):
        rows.append(
            {
                "tax_code": valid_tax_code(serial),
                "name": f"Hợp tác xã Mây tre Yên Sơn {n + 1}",
                "kind": "hợp tác xã",
                "representative": "Hoàng Văn Lâm",
                "address": f"Thôn {n + 1}",
                "province": commune.province().name,
                "commune": commune.full_name,
                "vsic_code": "1629",
                "products": "Mây tre đan",
                "employees": "35",
            }
        )
    if broken:
        rows[0]["employees"] = "ba mươi"  # row 2: not a number
        rows[1]["tax_code"] = "0100233480"  # row 3: wrong check digit
        rows[2]["vsic_code"] = "00"  # row 4: no such sector
    return rows


def _fill(template: bytes, rows: list[dict]) -> bytes:
    """The downloaded template with its example row replaced by ``rows``."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["Dữ liệu"]
    titles = [cell.value for cell in sheet[1]]
    keys = {c.title_in("vi"): c.key for c in ESTABLISHMENTS.columns}
    if sheet.max_row > 1:
        sheet.delete_rows(2, sheet.max_row - 1)
    for r in rows:
        sheet.append([r.get(keys.get(str(title), ""), "") for title in titles])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(page, name: str, content: bytes) -> None:
    page.goto(page.base + "/nhap-du-lieu/?kind=establishments")
    page.select_option("select[name=kind]", "establishments")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": name,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": content,
            }
        ],
    )
    page.click("[data-testid=check]")


def _work(page) -> None:
    """The job page waits for the worker; the worker (this test) runs the job; the page follows its
    progress bar to 100 % and offers the result."""
    status = page.locator("[data-testid=job-status]")
    expect(status).to_have_attribute("data-state", "queued")
    job = Job.objects.filter(state=Job.State.QUEUED).get()
    jobs.run(job.pk)
    expect(status).to_have_attribute("data-state", "done", timeout=20_000)
    expect(page.locator("[data-testid=job-percent]")).to_have_text("100%")


def test_a_province_imports_establishments_from_the_template_and_finds_where_they_came_from(page, queued):
    from khuyencong.establishments.tests.conftest import NEW, commune_of

    commune = commune_of(AdministrativeUnit.objects.get(level=Level.PROVINCE, code="08", valid_from=NEW))
    sign_in(page, "tuyenquang_so")

    # the template, downloaded from the import page
    page.goto(page.base + "/nhap-du-lieu/?kind=establishments")
    with page.expect_download() as download:
        page.click("a[href$='/mau/establishments.xlsx']")
    template = download.value.path().read_bytes()
    assert template.startswith(b"PK")

    # a file with an error in each of its three rows: every one listed, nothing written
    _upload(page, "co-so-yen-son.xlsx", _fill(template, _rows(commune, broken=True)))
    _work(page)
    screenshot(page, "import-check-job-done")
    page.click("[data-testid=job-result]")
    expect(page.locator("[data-testid=state]")).to_have_text("có lỗi")
    errors = page.locator("[data-testid=errors] tbody tr")
    expect(errors).to_have_count(3)
    found = {
        (errors.nth(i).locator("td").nth(1).inner_text(), errors.nth(i).locator("td").nth(2).inner_text())
        for i in range(3)
    }
    titles = {c.key: c.title_in("vi") for c in ESTABLISHMENTS.columns}
    assert found == {
        ("2", titles["employees"]),
        ("3", titles["tax_code"]),
        ("4", titles["vsic_code"]),
    }, found
    expect(errors.nth(0)).to_contain_text("không phải số nguyên")
    expect(page.locator("[data-testid=confirm]")).to_have_count(0)
    screenshot(page, "import-errors")
    assert not Establishment.objects.filter(tax_code=valid_tax_code(SERIALS[1])).exists()

    # fixed and uploaded again: checked, then confirmed, then imported by the worker
    _upload(page, "co-so-yen-son-sua.xlsx", _fill(template, _rows(commune, broken=False)))
    _work(page)
    page.click("[data-testid=job-result]")
    expect(page.locator("[data-testid=state]")).to_have_text("đã kiểm tra, sẵn sàng nhập")
    page.click("[data-testid=confirm]")
    _work(page)
    screenshot(page, "import-progress-done")
    page.click("[data-testid=job-result]")
    expect(page.locator("[data-testid=state]")).to_have_text("đã nhập")

    # the result page: each record by name and tax code, linked to its page
    records = page.locator("[data-testid=records] tbody tr")
    expect(records).to_have_count(3)
    first = Establishment.objects.get(tax_code=valid_tax_code(SERIALS[0]))
    link = records.nth(0).locator("a")
    expect(link).to_have_text(f"Hợp tác xã Mây tre Yên Sơn 1 – {first.tax_code}")
    screenshot(page, "import-result")
    link.click()

    # the record's page says where it came from
    panel = page.locator("[data-testid=provenance]")
    today = timezone.localdate().strftime("%d/%m/%Y")
    expect(panel).to_contain_text(f"Nhập từ tệp co-so-yen-son-sua.xlsx (dòng 2) ngày {today} bởi")
    expect(panel.locator("a")).to_have_text("co-so-yen-son-sua.xlsx")
    screenshot(page, "import-provenance")
