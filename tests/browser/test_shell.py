"""Every role signs in and sees the Vietnamese home page; the language choice follows the user."""

import pytest

from khuyencong.accounts.demo import DEMO_USERS
from tests.browser.conftest import screenshot, sign_in


@pytest.mark.parametrize("username", [u[0] for u in DEMO_USERS])
def test_each_role_signs_in_and_sees_the_home_page(page, username):
    sign_in(page, username)
    assert page.url.rstrip("/") == page.base.rstrip("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text().startswith("Xin chào")
    assert page.locator("[data-testid=role-badge]").count() >= 1
    screenshot(page, f"home-{username}")
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    assert page.locator("[data-testid=login-submit]").count() == 1


def test_language_switch_is_remembered_across_sign_ins(page):
    sign_in(page, "tuyenquang_so")
    page.click("[data-testid=lang-en]")
    assert page.locator("h1").inner_text().startswith("Welcome")
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.context.clear_cookies()
    sign_in(page, "tuyenquang_so")
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "home-english")


def test_wrong_password_then_lockout(page):
    for _ in range(4):
        sign_in(page, "cuc_canbo", "mat-khau-sai")
        assert "không đúng" in page.locator("[data-testid=login-error]").inner_text()
    sign_in(page, "cuc_canbo", "mat-khau-sai")  # the fifth failure locks the account
    assert page.locator("[data-testid=locked-out]").is_visible()
    sign_in(page, "cuc_canbo")  # even with the right password
    assert page.locator("[data-testid=locked-out]").is_visible()
    screenshot(page, "locked-out")


NAV_FITS = """() => {
  const nav = document.querySelector('[data-testid=navbar]');
  const user = document.querySelector('[data-testid=user-menu]').getBoundingClientRect();
  const toggler = document.querySelector('.navbar-toggler');
  return {
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    height: nav.getBoundingClientRect().height,
    userRight: user.right,
    userVisible: user.width > 0,
    collapsed: getComputedStyle(toggler).display !== 'none',
  };
}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_administrators_menu_fits_a_laptop_screen(page, language):
    """Six menu groups, the language switch and the user menu fit in one row at 1366 and 1200 px;
    narrower screens get the collapsed menu."""
    sign_in(page, "quantri")
    if language == "en":
        page.click("[data-testid=lang-en]")
    for width in (1366, 1200):
        page.set_viewport_size({"width": width, "height": 768})
        page.reload()
        fits = page.evaluate(NAV_FITS)
        assert fits["overflow"] <= 0 and not fits["collapsed"], (width, fits)
        assert fits["userVisible"] and fits["userRight"] <= width and fits["height"] < 70, (width, fits)
        if width == 1366:
            screenshot(page, f"navbar-admin-1366-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    fits = page.evaluate(NAV_FITS)
    assert fits["collapsed"] and fits["overflow"] <= 0, fits
