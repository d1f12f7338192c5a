"""A visitor browses the geography in both generations and a programme's targets."""

from tests.browser.conftest import screenshot


def test_provinces_on_a_date_and_a_province_history(page):
    page.goto(page.base + "/danh-muc/dia-gioi/")
    page.click("[data-testid=geo-63]")
    assert page.locator("[data-testid=total]").inner_text() == "63"
    row = page.locator("tr", has_text="Tỉnh Hà Giang")
    assert "Tuyên Quang" in row.inner_text() and "Vùng Trung du và miền núi phía Bắc" in row.inner_text()
    screenshot(page, "units-63")
    page.click("text=Tỉnh Hà Giang")
    assert "sáp nhập vào" in page.locator("[data-testid=succession]").inner_text()
    page.click("[data-testid=succession] >> text=Tỉnh Tuyên Quang")
    assert "Tỉnh Hà Giang" in page.locator("[data-testid=succession]").inner_text()
    screenshot(page, "province-tuyen-quang")
    page.click(
        "[data-testid=geo-34]" if page.locator("[data-testid=geo-34]").count() else "text=Xem danh sách"
    )


def test_programme_targets(page):
    page.goto(page.base + "/danh-muc/chuong-trinh/")
    page.click("text=Chương trình khuyến công quốc gia giai đoạn 2021-2025")
    assert page.locator("[data-testid=target-count]").inner_text() == "19"
    assert "1.600" in page.locator("[data-testid=targets]").inner_text()
    screenshot(page, "programme-2021-2025")
