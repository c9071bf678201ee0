"""Headless Chromium from Debian's packages (`apt-get install chromium`, see `make test-servers`),
driven by Playwright for Python: no browser is downloaded (never `playwright install`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def first_paint_ms(page: Page) -> float:
    """When the page first painted, in ms from the start of its navigation (Performance API)."""
    return float(
        page.evaluate(
            """() => {
            const paints = performance.getEntriesByType("paint");
            const first = paints.find((p) => p.name === "first-contentful-paint") || paints[0];
            return first ? first.startTime : NaN;
        }"""
        )
    )


def round_trips_ms(page: Page) -> list[float]:
    """The page's own measures of each decision: sent, stored, and the next value shown."""
    return [
        float(ms)
        for ms in page.evaluate(
            "() => performance.getEntriesByName('review-round-trip').map((m) => m.duration)"
        )
    ]


def page_bytes(page: Page, base_url: str) -> int:
    """The bytes of the page's own HTML, script and style, as served."""
    return int(
        page.evaluate(
            """async (base) => {
            let total = 0;
            for (const path of ["/", "/page/review.js", "/page/review.css"]) {
                total += (await (await fetch(base + path)).arrayBuffer()).byteLength;
            }
            return total;
        }""",
            base_url,
        )
    )
