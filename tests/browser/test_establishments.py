"""A provincial officer registers an establishment, finds it without accents, and edits it."""

from khuyencong.establishments.validators import tax_code_for
from tests.browser.conftest import screenshot, sign_in


def test_provincial_officer_creates_finds_and_edits_an_establishment(page):
    sign_in(page, "tuyenquang_so")
    page.goto(page.base + "/co-so/them/")
    # the officer's province is preselected and its communes loaded
    assert "Tuyên Quang" in page.locator("#id_province option:checked").inner_text()
    page.fill("#id_name", "Cơ sở Gốm sứ Quang Vinh Hàm Yên")
    page.select_option("#id_kind", "small")
    page.fill("#id_tax_code", "0100233480")  # wrong check digit
    page.locator("#id_tax_code").dispatch_event("change")
    page.wait_for_selector("#tax-code-check .invalid-feedback")
    assert "chữ số kiểm tra" in page.locator("#tax-code-check").inner_text()
    page.fill("#id_tax_code", tax_code_for(812345678))
    page.locator("#id_tax_code").dispatch_event("change")
    page.wait_for_selector("#tax-code-check .valid-feedback")
    page.fill("#id_representative", "Nguyễn Văn Vinh")
    page.select_option("#id_commune", index=3)
    page.fill("#id_address", "Thôn Ba Luồng")
    page.fill("#id_vsic_code", "2393")
    page.fill("#id_products", "Bình, lọ, chum gốm")
    page.fill("#id_employees", "-3")
    screenshot(page, "establishment-form-filled")
    page.click("[data-testid=save]")
    assert "lớn hơn hoặc bằng 0" in page.locator("[data-testid=error-employees]").inner_text()
    screenshot(page, "establishment-form-errors")
    page.fill("#id_employees", "26")
    page.click("[data-testid=save]")
    assert page.locator("[data-testid=establishment-name]").inner_text() == "Cơ sở Gốm sứ Quang Vinh Hàm Yên"
    assert "Thuộc đối tượng" in page.locator("[data-testid=eligibility-outcome]").inner_text()
    screenshot(page, "establishment-detail")

    # find it typed without accents
    page.goto(page.base + "/co-so/")
    page.fill("#id_q", "gom su quang vinh ham yen")
    page.click("[data-testid=filter-form] button[type=submit]")
    assert page.locator("[data-testid=total]").inner_text() == "1"
    page.click("text=Cơ sở Gốm sứ Quang Vinh Hàm Yên")

    # edit it
    page.click("[data-testid=edit]")
    page.fill("#id_employees", "30")
    page.check("#id_women_owned")
    page.click("[data-testid=save]")
    assert "Đã lưu thay đổi" in page.content()
    assert "phụ nữ" in page.content()
    page.click("text=Lịch sử thay đổi")
    assert "30" in page.locator("table.kc-history").inner_text()
    screenshot(page, "establishment-history")
