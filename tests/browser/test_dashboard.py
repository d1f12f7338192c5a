"""The national leader opens the application and finds the dashboard: its charts and the map render."""

from tests.browser.conftest import screenshot, sign_in


def test_the_leaders_dashboard_draws_its_charts_and_map(page):
    from django.core.management import call_command

    call_command("load_demo", only=["projects"], verbosity=0)  # the 2026–2027 projects
    sign_in(page, "lanhdao_bo")
    page.goto(page.base + "/")
    page.wait_for_selector("[data-testid=province-map][data-kc-map-ready='34']", state="attached")
    page.wait_for_selector("#kc-dash-months[data-kc-chart-ready=true]", state="attached")
    page.wait_for_selector("#kc-dash-contents[data-kc-chart-ready=true]", state="attached")
    assert page.locator("[data-testid=dashboard-cards]").count() == 0
    assert page.locator("#kc-dash-months canvas").count() >= 1
    assert page.locator("#kc-dash-contents canvas").count() >= 1
    assert page.locator("[data-kc-map-canvas] svg path").count() >= 34
    # the home page greets the leader like every role's, the dashboard's title under it
    assert page.locator("h1").inner_text().startswith("Xin chào")
    assert "Bảng điều khiển kế hoạch năm" in page.locator("h2").first.inner_text()
    screenshot(page, "dashboard-national")

    # another measure, the 63 provinces
    page.select_option("#id_measure", "percent")
    page.click("[data-testid=map-form] button")
    page.wait_for_selector("[data-testid=province-map][data-kc-map-ready='34']", state="attached")
    page.click("[data-testid=map-toggle-63]")
    page.wait_for_selector("[data-testid=province-map][data-kc-map-ready='63']", state="attached")
    assert page.locator("[data-kc-map-canvas] svg path").count() >= 63
    assert "measure=percent" in page.url


def test_an_officer_keeps_the_cards_and_follows_the_link(page):
    sign_in(page, "tuyenquang_so")
    page.goto(page.base + "/")
    assert page.locator("[data-testid=dashboard-cards]").count() == 1
    page.click("[data-testid=dashboard-cards] a[href='/bang-dieu-khien/']")
    page.wait_for_selector("#kc-dash-months[data-kc-chart-ready=true]", state="attached")
    page.wait_for_selector("[data-testid=province-map][data-kc-map-ready='34']", state="attached")
    assert "/bang-dieu-khien/" in page.url
    screenshot(page, "dashboard-province")
