"""The agency finds a standard report through the menu, reads its table and chart, downloads it
and publishes it; the published version opens with its number and today's comparison."""

from tests.browser.conftest import screenshot, sign_in


def test_the_agency_reads_downloads_and_publishes_a_standard_report(page):
    from django.core.management import call_command

    call_command("load_demo", only=["projects"], verbosity=0)  # the 2026–2027 projects
    sign_in(page, "cuc_canbo")
    page.goto(page.base + "/")
    page.click("nav >> text=Báo cáo")
    page.click("text=Báo cáo thống kê")
    page.click("main >> text=Kết quả thực hiện chương trình năm")
    page.fill("#id_year", "2026")
    page.select_option("#id_source", "")
    page.click("form button:has-text('Xem')")
    page.wait_for_load_state("networkidle")
    assert "year=2026" in page.url
    table = page.locator("table").first
    assert "KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH KHUYẾN CÔNG NĂM 2026" in page.content().upper()
    assert table.locator("tbody tr").count() >= 2  # a content and the total
    drawn = page.evaluate("() => !!echarts.getInstanceByDom(document.getElementById('kc-chart'))")
    hidden = page.evaluate("() => document.getElementById('kc-chart').style.display === 'none'")
    assert drawn or hidden  # a chart, or none when the year has no figures to draw
    with page.expect_download() as excel:
        page.click("a:has-text('Excel')")
    assert excel.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "report-annual-2026")

    page.click("text=Công bố")
    page.fill("#id_number", "12/BC-CĐMST")
    page.click("#kc-publish button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/cong-bo/" in page.url
    body = page.inner_text("body")
    assert "12/BC-CĐMST" in body
    assert "trùng khớp với số liệu đã công bố" in body  # nothing recorded since
    screenshot(page, "report-published")
    # the report's page lists the publication
    page.goto(page.base + "/bao-cao/ket-qua-nam/?year=2026&source=")
    assert page.locator("a[href*='/cong-bo/']").count() >= 1
