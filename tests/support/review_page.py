"""What a reviewer does on the review page, step by step, for the browser tests and the bench."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
from playwright.sync_api import Page


def open_page(page: Page, base_url: str, key: str | None) -> None:
    """Opens the page and, when the service asks for one, enters the key (by keyboard)."""
    page.goto(f"{base_url}/")
    if key is not None:
        page.wait_for_selector("#key-panel:not([hidden])")
        page.focus("#api-key")
        page.keyboard.type(key)
        page.keyboard.press("Enter")
    page.wait_for_selector("#app:not([hidden])")
    page.wait_for_function("() => performance.getEntriesByName('page-ready').length > 0")


def start_lookup(
    page: Page, description: str, codes: Sequence[str], llm: str | None = None
) -> None:
    """Pastes the text, picks the fields by searching their codes, chooses the LLM, looks up."""
    page.fill("#description", description)
    page.fill("#field-search", "")
    chosen = page.eval_on_selector_all(
        "#field-list input:checked", "(boxes) => boxes.map((box) => box.value)"
    )
    for code in chosen:
        if code not in codes:
            page.uncheck(f"#choose-{code}")
    for code in codes:
        page.fill("#field-search", code)
        page.check(f"#choose-{code}")
    page.fill("#field-search", "")
    if llm is not None:
        page.select_option("#llm", llm)
    page.click("#lookup-button")


def wait_for_lookup(page: Page, timeout_ms: float = 30_000) -> None:
    page.wait_for_function(
        "() => /values in/.test(document.getElementById('progress').textContent)",
        timeout=timeout_ms,
    )


def row(page: Page, index: int):  # noqa: ANN201  (a Locator)
    return page.locator("#value-rows tr").nth(index)


def decisions_shown(page: Page) -> int:
    return int(page.evaluate("() => performance.getEntriesByName('review-round-trip').length"))


def press_and_wait(page: Page, key: str) -> None:
    """Presses `key` (a decision) and waits until the page has shown what comes next."""
    before = decisions_shown(page)
    page.keyboard.press(key)
    page.wait_for_function(
        f"() => performance.getEntriesByName('review-round-trip').length > {before}"
    )


def queue_products(base_url: str, key: str | None, items: list[dict[str, object]]) -> None:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    answer = httpx.post(
        f"{base_url}/api/reviews/queue", json={"items": items}, headers=headers, timeout=10
    )
    answer.raise_for_status()
