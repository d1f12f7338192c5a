"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

The live server runs in a thread on its own database connection, so these tests use committed
data (``transactional_db``); Django empties the tables after each one, so every test loads the
reference data and demo accounts it needs. Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("KC_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--lang=vi",  # date fields as dd/mm/yyyy, like a Vietnamese user's browser
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("KC_SKIP_BROWSER"):
        pytest.skip("KC_SKIP_BROWSER is set")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set KC_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def site(transactional_db, live_server):
    """The live server with reference data, the demo accounts and demo establishments loaded (not
    the demo projects: each journey makes the projects it is about)."""
    from django.core.management import call_command

    call_command("load_reference", verbosity=0)
    call_command("load_demo", only=["accounts", "establishments"], verbosity=0)
    return live_server


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.base = site.url
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str | None = None) -> None:
    from khuyencong.core.demo import DEMO_PASSWORD

    page.goto(page.base + "/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state("networkidle")
