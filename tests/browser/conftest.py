"""Real-browser tests: Debian's Chromium, driven by Playwright, against a live server on the test
database. Screenshots of the main pages go to ``screenshots/`` (see the README)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

MISSING = shutil.which(CHROMIUM) is None and not os.environ.get("RELAIS_REQUIRE_TOOLS")
pytestmark = pytest.mark.skipif(
    MISSING, reason=f"{CHROMIUM} is missing (bin/setup installs Debian's chromium)"
)

# Playwright's synchronous API keeps an event loop in the test's thread; the database calls that the
# tests make between two browser steps are synchronous all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, flushable_audit, settings):
    """The live server's address; its pages are served as in production (no debug pages)."""
    settings.DEBUG = False
    return live_server.url


@pytest.fixture
def open_page(browser):
    """``open_page(locale="fr-FR", width=1280)``: a fresh browser context (no cookies) and its page."""
    contexts = []

    def make(locale: str = "fr-FR", width: int = 1280, height: int = 900):
        context = browser.new_context(
            locale=locale, viewport={"width": width, "height": height}, accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    """Keep a full-page screenshot for a reviewer."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, site: str, username: str, password: str) -> None:
    """Sign in through the form, whatever the page's language, and wait for the next page."""
    page.goto(f"{site}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def go(page, locator) -> None:
    """Click something that loads a new page, and wait for that page."""
    with page.expect_navigation():
        locator.click()
