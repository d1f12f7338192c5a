"""A periodic report in the browser: the provincial officer fills in and submits the Q2/2026 report;
the agency returns it with a reason; the province corrects and resubmits; the agency accepts and
approves; an edit afterwards is refused on the page, through the API and through an import."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from khuyencong.periodic.models import PeriodicReport, State
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CENTRE = {
    "can-bo-tong-so": "18",
    "can-bo-bien-che": "12",
    "can-bo-hop-dong": "5",  # wrong on purpose: 12 + 5 ≠ 18
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
    "lao-dong-dao-tao": "120",
}


def as_user(browser, site, username):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = site.url
    sign_in(page, username)
    return page


def open_report(page, report_id):
    page.goto(f"{page.base}/bao-cao-dinh-ky/{report_id}/")


def act(page, action, reason=None):
    page.click(f"[data-testid=action-{action}]")
    if reason is not None:
        page.fill("textarea[name=reason]", reason)
    page.click("[data-testid=confirm]")
    page.wait_for_load_state("networkidle")


def test_a_quarterly_report_from_draft_to_approved_and_locked(browser, site):
    province = as_user(browser, site, "tuyenquang_so")
    # the home page reminds the province of the latest quarter's report
    province.goto(province.base + "/")
    expect(province.get_by_text("Báo cáo Quý III/2026 – Tuyên Quang")).to_be_visible()
    screenshot(province, "periodic-home-reminder")

    # open the Q2/2026 report and fill it in
    province.goto(province.base + "/bao-cao-dinh-ky/")
    province.click("[data-testid=open-report]")
    province.select_option(
        "select[name=form]", label="Báo cáo tình hình thực hiện hoạt động khuyến công hằng quý"
    )
    province.select_option("select[name=period]", label="Quý II/2026")
    province.select_option("select[name=province]", label="Tuyên Quang")
    province.click("[data-testid=confirm]")
    expect(province.locator("[data-testid=locked-kinh-phi-kcqg]")).to_contain_text("0 đồng")
    for code, value in CENTRE.items():
        province.fill(f"#v-{code}", value)
    province.select_option("#v-chuong-trinh-tinh", "1")
    province.fill("#v-chuong-trinh-tinh-so", "1234/QĐ-UBND")
    province.select_option("#v-quy-che-kinh-phi", "0")
    province.fill("#v-danh-gia", "Các đề án triển khai đúng tiến độ.")
    screenshot(province, "periodic-report-edit")
    province.click("[data-testid=save-submit]")
    # the submission is refused with the section, the field and the reason
    expect(province.locator("[data-testid=problems]")).to_contain_text(
        "Tổng số cán bộ của trung tâm: 18 không bằng Trong đó: biên chế + Trong đó: hợp đồng (17)"
    )
    report = PeriodicReport.objects.get()
    open_report(province, report.pk)
    province.click("[data-testid=edit]")
    province.fill("#v-can-bo-hop-dong", "6")
    province.click("[data-testid=save-submit]")
    expect(province.locator("[data-testid=problems]")).to_have_count(0)
    province.click("[data-testid=confirm]")
    expect(province.locator("[data-testid=state]")).to_have_text("Đã gửi")

    # the agency returns it with a reason
    agency = as_user(browser, site, "cuc_canbo")
    open_report(agency, report.pk)
    act(agency, "return", "Đề nghị bổ sung số cộng tác viên cấp xã theo danh sách mới.")
    expect(agency.locator("[data-testid=state]")).to_have_text("Bị trả lại")

    # the province reads the reason, corrects and resubmits
    open_report(province, report.pk)
    expect(province.locator("[data-testid=event-reason]")).to_contain_text("cộng tác viên cấp xã")
    province.click("[data-testid=edit]")
    province.fill("#v-ctv-xa", "64")
    province.fill("#c-ctv-xa", "Theo danh sách cộng tác viên tháng 6/2026")
    province.click("[data-testid=save-submit]")
    province.click("[data-testid=confirm]")
    expect(province.locator("[data-testid=state]")).to_have_text("Đã gửi")

    # the agency accepts and approves: the values lock
    open_report(agency, report.pk)
    act(agency, "accept")
    act(agency, "approve")
    expect(agency.locator("[data-testid=state]")).to_contain_text("Đã phê duyệt")
    expect(agency.locator("[data-testid=value-ctv-xa]")).to_have_text("64")
    screenshot(agency, "periodic-report-approved")
    assert PeriodicReport.objects.get().state == State.APPROVED

    # an edit afterwards is refused on the page …
    open_report(province, report.pk)
    expect(province.locator("[data-testid=edit]")).to_have_count(0)
    province.goto(f"{province.base}/bao-cao-dinh-ky/{report.pk}/sua/")
    expect(province.locator("[data-testid=locked-error]")).to_contain_text(
        "đã được phê duyệt và khóa số liệu"
    )
    # … and through the API (the browser's own session)
    token = next(c["value"] for c in province.context.cookies() if c["name"] == "csrftoken")
    answer = province.request.post(
        f"{province.base}/api/v1/periodic/reports/{report.pk}/values/",
        data={"values": {"ctv-xa": 70}},
        headers={"X-CSRFToken": token, "Referer": province.base + "/"},
    )
    assert answer.status == 409
    assert "đã được phê duyệt và khóa số liệu" in answer.json()["error"]["message"]
    assert PeriodicReport.objects.get().values.get(field__code="ctv-xa").number == 64
    # … and through an import: a file changing the figure is uploaded on the import page; the check
    # refuses it naming the row, with the page's message, and nothing is written
    changed = (
        '\ufeffBiểu mẫu báo cáo,"Tỉnh, thành phố",Kỳ báo cáo,Mã chỉ tiêu,Giá trị\n'
        "bao-cao-quy,Tuyên Quang,Quý II/2026,ctv-xa,70\n"
    ).encode()
    province.goto(f"{province.base}/nhap-du-lieu/?kind=periodic")
    province.select_option("select[name=kind]", "periodic")
    province.set_input_files(
        "input[name=file]", files=[{"name": "sua-quy2.csv", "mimeType": "text/csv", "buffer": changed}]
    )
    province.click("[data-testid=check]")
    errors = province.locator("[data-testid=errors] tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").nth(1)).to_have_text("2")
    expect(errors.first).to_contain_text("đã được phê duyệt và khóa số liệu")
    expect(province.locator("[data-testid=confirm]")).to_have_count(0)
    screenshot(province, "periodic-import-refused")
    assert PeriodicReport.objects.get().values.get(field__code="ctv-xa").number == 64

    # the agency's completeness table for the quarter
    agency.goto(
        f"{agency.base}/bao-cao-dinh-ky/tinh-hinh-nop/?form={report.form_id}&period=2026-04-01_2026-06-30"
    )
    row = agency.locator("[data-testid=row-08]")
    expect(row.locator("[data-testid=status]")).to_contain_text("Muộn")  # first submitted in November
    screenshot(agency, "periodic-completeness")
    for page in (province, agency):
        page.context.close()
