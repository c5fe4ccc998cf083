"""Follow-up questions in the chat page, and its accessibility checked by axe-core, in a real Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from index import PROJECT_ROOT
from tests.web.conftest import SCREENSHOTS, ask

pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LACKING = "Where does the essay say sustained interest in UK-Japan-US trilateralism is lacking?"
WHY = "Why is that?"
REASON = "American policymakers are yet to grasp the benefits"


def follow_up(page: Page) -> None:
    ask(page, LACKING)
    ask(page, WHY)


def test_a_follow_up_shows_how_it_was_read_and_can_be_asked_on_its_own(page: Page) -> None:
    sent: list[Any] = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/ask") else None)
    follow_up(page)
    assert "history" not in sent[0]
    assert sent[1]["history"] == [{"question": LACKING, "answer": sent_answer(page, 0)}]
    reply = page.locator(".turn").nth(1).locator(".reply")
    expect(reply.locator(".reading")).to_contain_text(f"Read as a follow-up to: “{LACKING}”")
    expect(reply).to_contain_text(REASON)

    reply.get_by_role("button", name="on its own").click()
    expect(page.locator(".turn")).to_have_count(3)
    alone = page.locator(".turn").nth(2)
    expect(alone).to_contain_text("Asked on its own")
    assert "history" not in sent[2] and sent[2]["question"] == WHY
    expect(alone.locator(".reply")).not_to_contain_text(REASON)

    page.reload()
    expect(page.locator(".turn .question")).to_have_text([LACKING, WHY, WHY])
    expect(page.locator(".turn").nth(1).locator(".reading")).to_contain_text("Read as a follow-up to")
    expect(page.locator(".turn").nth(2)).to_contain_text("Asked on its own")

    page.click("#new-conversation")
    expect(page.locator(".turn")).to_have_count(0)
    ask(page, WHY)
    assert "history" not in sent[-1]  # a new conversation starts clean
    expect(page.locator(".turn .reading")).to_have_count(0)


def sent_answer(page: Page, turn: int) -> str:
    """The answer text the page holds for a turn, as the service sent it."""
    return str(page.evaluate(f"JSON.parse(sessionStorage.getItem('cited-qa-conversation'))[{turn}].response.answer"))


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core, injected into the page, finds against WCAG 2.1 A and AA."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make browser` installs axe-core from package-lock.json")
    page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}}
    violations: list[dict[str, Any]] = page.evaluate("options => axe.run(document, options)", options)["violations"]
    return violations


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_21_aa_violation_after_a_follow_up_and_with_a_source_open(
    browser: Browser, live_url: str, width: int, scheme: Any
) -> None:
    # bypass_csp lets the injected axe-core run; the page itself allows only its own scripts.
    viewport = {"width": width, "height": 800}
    context = browser.new_context(base_url=live_url, viewport=viewport, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto("/")
    assert axe_violations(page) == []
    follow_up(page)
    assert _summary(axe_violations(page)) == []
    page.locator(".turn").nth(1).locator(".answer-text .cite").first.click()
    expect(page.locator("#source-text mark")).to_be_visible()
    assert _summary(axe_violations(page)) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"follow-up-{width}-{scheme}.png"))
    context.close()


def _summary(violations: list[dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
    """Each violation's rule, impact and first offending elements, for a readable failure."""
    return [(v["id"], v["impact"], [n["html"][:120] for n in v["nodes"][:3]]) for v in violations]


def test_the_source_text_is_reached_and_scrolled_by_keyboard(page: Page) -> None:
    ask(page, "What is JNAAM?")
    page.locator(".answer-text .cite").first.click()
    expect(page.locator("#source-text mark")).to_be_visible()
    page.focus("#close-source")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "source-text"
    scrolled = "document.getElementById('source-text').scrollTop"
    before = page.evaluate(scrolled)
    page.keyboard.press("PageDown")
    for _ in range(50):  # scrolling is animated; the page's CSP forbids wait_for_function's eval
        if page.evaluate(scrolled) != before:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(scrolled) != before
