"""The review page in headless Chromium (Debian's) on a real server with the mock LLM: its first
paint, its size, and a reviewer's round trip (decision sent → stored → next queue value shown),
on SQLite and on PostgreSQL side by side; then a screenshot of a lookup for docs/reviewing.md.

    .venv/bin/python bench/review_page.py [--loads 15] [--products 40] \\
        [--screenshot docs/review-page.png]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.browser import chromium, first_paint_ms, page_bytes, round_trips_ms  # noqa: E402
from tests.support.live_server import live_server, prepare_database  # noqa: E402
from tests.support.postgres import ThrowawayPostgres  # noqa: E402
from tests.support.review_page import (  # noqa: E402
    open_page,
    press_and_wait,
    queue_products,
    row,
    start_lookup,
    wait_for_lookup,
)

LAMP = (
    "Lampe incandescente forme Standard 60X103 12V 40W E27. "
    "Ampoule claire basse tension, Ø 60 mm, longueur 103 mm."
)
SCREENSHOT_FIELDS = [
    "EF000042",
    "EF000035",
    "EF000015",
    "EF000137",
    "EF000588",
]  # culot, puissance, diamètre, dimmable, marque


def queued_items(products: int) -> list[dict[str, object]]:
    texts = [
        f"Lampe flamme {10 + n}W culot E14, verre clair, réf. F{n:04d}" for n in range(products)
    ]
    return [
        item
        for n, text in enumerate(texts)
        for item in (
            {
                "product_id": f"bench-{n}",
                "description": text,
                "field": "EF000042",
                "value": "E14",
                "confidence": 0.5,
                "evidence": [
                    {"start": text.index("E14"), "end": text.index("E14") + 3, "text": "E14"}
                ],
            },
            {"product_id": f"bench-{n}", "description": text, "field": "EF000035", "value": 10 + n},
        )
    ]


def measure(name: str, database_url: str, loads: int, products: int) -> dict[str, float | str]:
    key = prepare_database(database_url, api_key_name="bench")
    with live_server(database_url) as server, chromium() as browser:
        paints = []
        for _ in range(loads):  # a new context each time: nothing cached
            context = browser.new_context()
            page = context.new_page()
            open_page(page, server.base_url, key)
            paints.append(first_paint_ms(page))
            context.close()
        queue_products(server.base_url, key, queued_items(products))
        context = browser.new_context()
        page = context.new_page()
        open_page(page, server.base_url, key)
        size = page_bytes(page, server.base_url)
        page.click("#mode-queue")
        page.wait_for_function(
            "() => document.getElementById('product-id').textContent === 'bench-0'"
        )
        for _ in range(products * 2):
            press_and_wait(page, "a")
        trips = round_trips_ms(page)
        context.close()
    return {
        "database": name,
        "first paint median": statistics.median(paints),
        "first paint worst": max(paints),
        "round trip median": statistics.median(trips),
        "round trip p90": statistics.quantiles(trips, n=10)[-1],
        "decisions": len(trips),
        "page bytes": size,
    }


def screenshot(database_url: str, path: Path) -> None:
    key = prepare_database(database_url, api_key_name="reviewer")
    with live_server(database_url, MOCK_LATENCY_MS="150") as server, chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
        open_page(page, server.base_url, key)
        start_lookup(page, LAMP, SCREENSHOT_FIELDS, llm="mock")
        wait_for_lookup(page)
        page.keyboard.press("k")
        press_and_wait(page, "a")
        page.keyboard.press("c")
        page.keyboard.press("Control+A")
        page.keyboard.type("40")
        press_and_wait(page, "Enter")
        row(page, 2).focus()
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--loads", type=int, default=15, help="page loads for the first paint")
    parser.add_argument(
        "--products", type=int, default=40, help="queued products (two values each)"
    )
    parser.add_argument("--screenshot", type=Path, default=Path("docs/review-page.png"))
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-review-"))
    results = [measure("SQLite", f"sqlite:///{scratch / 'lookup.db'}", args.loads, args.products)]
    postgres = ThrowawayPostgres()
    postgres.start()
    try:
        results.append(
            measure(
                "PostgreSQL", postgres.create_database("bench_review"), args.loads, args.products
            )
        )
    finally:
        postgres.destroy()
    sqlite_trip = float(results[0]["round trip median"])
    print(
        "| database | first paint, median (worst) | round trip, median (p90) | vs SQLite "
        "| decisions | page bytes |"
    )
    print("|---|---|---|---|---|---|")
    for result in results:
        print(
            f"| {result['database']} | {result['first paint median']:.0f} ms "
            f"({result['first paint worst']:.0f} ms) "
            f"| {result['round trip median']:.1f} ms ({result['round trip p90']:.1f} ms) "
            f"| ×{float(result['round trip median']) / sqlite_trip:.2f} | {result['decisions']} "
            f"| {result['page bytes']} |"
        )
    screenshot(f"sqlite:///{scratch / 'screenshot.db'}", args.screenshot)
    print(f"screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
