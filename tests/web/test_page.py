"""The chat page in a real headless Chromium against the app over real HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from index import SentenceTransformerEmbedder, build_index
from server.app import create_app
from server.settings import Settings
from tests.conftest import MODEL_NAME, pdf_excerpt, serve
from tests.web.conftest import SCREENSHOTS, ask

pytestmark = pytest.mark.browser


def test_ask_see_answer_and_open_highlighted_citation(page: Page) -> None:
    expect(page).to_have_title(re.compile("UK–Japan"))
    expect(page.locator(".example")).to_have_count(3)
    ask(page, "What is JNAAM?")
    reply = page.locator(".turn").last.locator(".reply.answered")
    expect(reply).to_contain_text("Joint New Air-to-Air Missile")
    expect(page.locator("#announcer")).to_contain_text("Joint New Air-to-Air Missile")
    expect(reply.locator(".excerpts-heading")).to_have_text(["Sources", re.compile("Also worth reading")])
    excerpt = reply.locator(".excerpt-text").first.text_content()
    reply.locator(".answer-text .cite").first.click()
    mark = page.locator("#source-text mark")
    expect(mark).to_be_visible()
    assert mark.text_content() == excerpt
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desktop.png"))


def test_conversation_survives_reload_and_new_conversation_clears_it(page: Page) -> None:
    ask(page, "How does post-Brexit Britain view China?")
    expect(page.locator(".turn")).to_have_count(1)
    page.reload()
    expect(page.locator(".turn .question")).to_have_text(["How does post-Brexit Britain view China?"])
    page.click("#new-conversation")
    expect(page.locator(".turn")).to_have_count(0)
    expect(page.locator("#empty-state")).to_be_visible()


def test_off_topic_question_shows_not_covered(page: Page) -> None:
    ask(page, "How do I bake sourdough bread at home?")
    reply = page.locator(".turn").last.locator(".reply")
    expect(reply).to_have_class(re.compile("not-covered"))
    expect(reply).to_contain_text("do not cover")


def test_markup_in_a_question_is_shown_as_text_and_never_runs(page: Page) -> None:
    hostile = '<img src=x onerror="window.__xss=1">'
    ask(page, hostile)
    expect(page.locator(".turn .question").last).to_have_text(hostile)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".conversation img").count() == 0


def test_errors_are_shown_in_the_conversation(page: Page) -> None:
    page.route("**/ask", lambda route: route.fulfill(status=500, body='{"detail": "boom"}'))
    ask(page, "What is JNAAM?")
    expect(page.locator(".reply.error")).to_contain_text("500")


def test_narrow_screen_has_no_horizontal_scroll(browser: Browser, live_url: str) -> None:
    context = browser.new_context(base_url=live_url, viewport={"width": 360, "height": 740})
    tab = context.new_page()
    tab.goto("/")
    ask(tab, "What is the largest challenge to UK-Japan-US trilateralism?")
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tab.locator(".answer-text .cite").first.click()
    expect(tab.locator("#source-text mark")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "mobile.png"))
    context.close()


def test_shift_enter_adds_a_line_and_the_page_shows_it_is_searching(page: Page) -> None:
    held: list[Route] = []
    page.route("**/ask", lambda route: held.append(route))
    page.fill("#question", "What is JNAAM?")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("Answer briefly.")
    expect(page.locator("#question")).to_have_value("What is JNAAM?\nAnswer briefly.")
    expect(page.locator(".turn")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(page.locator("#send")).to_be_disabled()
    expect(page.locator("#status")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Searching")
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#send")).to_be_enabled(timeout=30_000)
    expect(page.locator("#status")).to_be_hidden()
    expect(page.locator(".turn .question")).to_have_text(["What is JNAAM?\nAnswer briefly."])


def test_the_page_works_by_keyboard_alone(page: Page) -> None:
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id || document.activeElement.className")
    assert focused  # something visible takes focus first
    page.focus("#question")
    page.keyboard.type("What is JNAAM?")
    page.keyboard.press("Enter")
    expect(page.locator(".answer-text .cite").first).to_be_visible(timeout=30_000)
    page.locator(".answer-text .cite").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#source-text mark")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#source-text mark")).to_be_hidden()


def test_a_pdf_citation_shows_its_page(browser: Browser, tmp_path: Path, embedder: SentenceTransformerEmbedder) -> None:
    pdf_excerpt(tmp_path / "corpus" / "debmake-excerpt.pdf", [11, 12])
    build_index(tmp_path / "corpus", tmp_path / "index", embedder, MODEL_NAME)
    with serve(create_app(Settings(index_dir=tmp_path / "index", rate_limit_per_minute=0))) as url:
        context = browser.new_context(base_url=url)
        tab = context.new_page()
        tab.goto("/")
        expect(tab.locator(".example")).to_have_count(0)  # this corpus suggests no questions: none are made up
        ask(tab, "What is a sponsor?")
        expect(tab.locator(".excerpt-title").first).to_have_text("Debmake excerpt, p. 1")
        tab.locator(".answer-text .cite").first.click()
        expect(tab.locator("#source-title")).to_have_text("Debmake excerpt, p. 1")
        context.close()
