"""The page's browser: Debian's Chromium driven by Playwright, against the app over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make browser` installs Debian's chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser, live_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    external: list[str] = []
    tab.on("request", lambda r: None if r.url.startswith(live_url) else external.append(r.url))
    tab.goto("/")
    yield tab
    assert not external, f"the page made external requests: {external}"
    context.close()


def ask(page: Page, question: str) -> None:
    """Type a question, send it with Enter, and wait for the answer."""
    page.fill("#question", question)
    page.keyboard.press("Enter")
    expect(page.locator("#send")).to_be_enabled(timeout=30_000)
