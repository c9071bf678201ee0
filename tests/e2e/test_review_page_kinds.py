"""The review page's widgets for ranges and several values, in headless Chromium (Debian's) on
the real app: a range as two inputs with its unit, a reversed one refused by the API and shown,
several options as removable chips with an add box holding only the options not chosen, each
chip of a looked-up or queued list with its item's confidence, marked under the threshold, and
its evidence shown in the text when pointed at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from peewee import SqliteDatabase
from playwright.sync_api import Browser, Page

from config.settings import Settings
from src.bootstrap import bootstrap
from src.domain.access.roles import Role
from src.domain.model import Field, FieldType
from src.domain.trust.ports import FieldThreshold
from tests.support.browser import chromium
from tests.support.live_server import LiveServer, live_server, prepare_database
from tests.support.loopback_llm import LoopbackLLM
from tests.support.review_page import (
    open_page,
    press_and_wait,
    queue_products,
    row,
    start_lookup,
    wait_for_lookup,
)

VOLTAGE = Field("EF009001", "Tension d'entrée", FieldType.RANGE, unit="V")
CERTIFICATIONS = Field(
    "EF009002", "Certifications", FieldType.SELECT, ("CE", "RoHS", "UL"), multiple=True
)
POWER_SUPPLY = "Bloc d'alimentation 65 W, entrée 100-240 V, certifié CE et RoHS."


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str, Path]]:
    database = tmp_path_factory.mktemp("review-kinds") / "lookup.db"
    url = f"sqlite:///{database}"
    key = prepare_database(url, api_key_name="alice", role=Role.REVIEWER)
    assert key is not None
    container = bootstrap(Settings.from_env({"DATABASE_URL": url, "CONFIG_MODULE": "config.mock"}))
    try:
        container.provisioning.provision([VOLTAGE, CERTIFICATIONS], [])
    finally:
        container.close()
    with live_server(url) as server:
        yield server, key, database


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    with chromium() as browser:
        opened = _page(browser)
        errors: list[str] = []
        opened.on("pageerror", lambda error: errors.append(str(error)))
        yield opened
        assert errors == []


def _page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def kept(database: Path) -> list[tuple[object, ...]]:
    connection = SqliteDatabase(str(database))
    try:
        return list(
            connection.execute_sql(
                "SELECT field_code, kept FROM review_decision ORDER BY field_code"
            ).fetchall()
        )
    finally:
        connection.close()


def test_a_range_and_several_options_are_reviewed_with_their_widgets(
    served: tuple[LiveServer, str, Path], page: Page
) -> None:
    server, key, database = served
    queue_products(
        server.base_url,
        key,
        [
            {
                "product_id": "psu-1",
                "description": POWER_SUPPLY,
                "field": "EF009001",
                "value": {"min": 100, "max": 240},
            },
            {
                "product_id": "psu-1",
                "description": POWER_SUPPLY,
                "field": "EF009002",
                "value": ["CE"],
            },
        ],
    )
    open_page(page, server.base_url, key)
    page.click("#mode-queue")
    page.wait_for_function("() => document.getElementById('product-id').textContent === 'psu-1'")

    assert page.input_value("#value-0") == "100" and page.input_value("#value-0-max") == "240"
    assert row(page, 0).locator(".unit").inner_text().strip() == "V"
    assert row(page, 1).locator(".chip").all_inner_texts() == ["CE ×"]
    assert page.eval_on_selector_all("#value-1 option", "(os) => os.map((o) => o.value)") == [
        "",
        "RoHS",
        "UL",
    ]

    page.fill("#value-0", "250")  # above the max: the API refuses it and the page says why
    page.focus("#value-0")
    page.keyboard.press("Enter")
    row(page, 0).locator(".error").wait_for()
    assert "min 250 is above max 240" in row(page, 0).locator(".error").inner_text()
    page.fill("#value-0", "110")
    page.focus("#value-0")
    press_and_wait(page, "Enter")
    assert "corrected: 110 – 240 (alice)" in row(page, 0).inner_text()

    page.select_option("#value-1", "RoHS")
    assert row(page, 1).locator(".chip").all_inner_texts() == ["CE ×", "RoHS ×"]
    row(page, 1).get_by_role("button", name="CE ×").click()
    assert row(page, 1).locator(".chip").all_inner_texts() == ["RoHS ×"]
    page.focus("#value-1")
    press_and_wait(page, "Enter")

    assert kept(database) == [
        ("EF009001", '{"min": 110, "max": 240}'),
        ("EF009002", '["RoHS"]'),
    ]


@pytest.fixture(scope="module")
def served_by_loopback(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, str]]:
    """The app whose `loopback-spans` LLM is an OpenAI-compatible server on loopback that
    writes the certifications CE surely and RoHS hesitantly (its tokens' logprobs)."""
    database = tmp_path_factory.mktemp("review-items") / "lookup.db"
    url = f"sqlite:///{database}"
    key = prepare_database(url, api_key_name="alice", role=Role.REVIEWER)
    assert key is not None
    env = {"CONFIG_MODULE": "tests.support.fault_config", "LOOKUP_CACHE": "off"}
    with LoopbackLLM() as llm:
        llm.tokens_by_field[CERTIFICATIONS.code] = [
            ('{"value": ["CE"', 0.96),
            (', "RoHS"', 0.42),
            ("]}", 1.0),
        ]
        container = bootstrap(
            Settings.from_env({"DATABASE_URL": url, "LOOPBACK_URL": llm.base_url, **env})
        )
        try:
            container.provisioning.provision([VOLTAGE, CERTIFICATIONS], [])
            container.thresholds.save(
                [FieldThreshold("loopback-spans", CERTIFICATIONS.code, 0.5, 0.95)]
            )
        finally:
            container.close()
        with live_server(url, LOOPBACK_URL=llm.base_url, **env) as server:
            yield server, key


def test_each_chip_of_a_looked_up_list_shows_its_confidence_and_evidence(
    served_by_loopback: tuple[LiveServer, str], page: Page
) -> None:
    server, key = served_by_loopback
    text = "Bloc d'alimentation 65 W, certifié CE et RoHS."
    open_page(page, server.base_url, key)

    start_lookup(page, text, [CERTIFICATIONS.code], llm="loopback-spans")
    wait_for_lookup(page)

    chips = row(page, 0).locator(".chip")
    assert chips.all_inner_texts() == ["CE 96 % ×", "RoHS 42 % ×"]
    # RoHS is under the field's threshold (0.5), CE is not
    assert chips.evaluate_all("(cs) => cs.map((c) => c.classList.contains('low'))") == [
        False,
        True,
    ]
    assert "under the threshold" in (chips.nth(1).get_attribute("title") or "")
    chips.nth(1).hover()
    assert page.locator("#product-text mark").all_inner_texts() == ["RoHS"]
    chips.nth(0).hover()
    assert page.locator("#product-text mark").all_inner_texts() == ["CE"]
    # a chip the reviewer adds has no confidence of its own
    page.select_option("#value-0", "UL")
    assert chips.all_inner_texts() == ["CE 96 % ×", "RoHS 42 % ×", "UL ×"]


def test_each_chip_of_a_queued_list_shows_its_confidence_and_evidence(
    served_by_loopback: tuple[LiveServer, str], page: Page
) -> None:
    server, key = served_by_loopback
    text = "Bloc d'alimentation 65 W, certifié CE et RoHS."

    def at(word: str) -> list[dict[str, object]]:
        start = text.index(word)
        return [{"start": start, "end": start + len(word), "text": word}]

    queue_products(
        server.base_url,
        key,
        [
            {
                "product_id": "psu-queued",
                "description": text,
                "field": CERTIFICATIONS.code,
                "value": ["CE", "RoHS"],
                "confidence": 0.42,
                "evidence": at("CE") + at("RoHS"),
                "items": [
                    {"value": "CE", "confidence": 0.96, "evidence": at("CE"), "review": False},
                    {"value": "RoHS", "confidence": 0.42, "evidence": at("RoHS"), "review": True},
                ],
            }
        ],
    )
    open_page(page, server.base_url, key)
    page.click("#mode-queue")
    page.wait_for_function(
        "() => document.getElementById('product-id').textContent === 'psu-queued'"
    )

    chips = row(page, 0).locator(".chip")
    assert chips.all_inner_texts() == ["CE 96 % ×", "RoHS 42 % ×"]
    assert chips.evaluate_all("(cs) => cs.map((c) => c.classList.contains('low'))") == [
        False,
        True,
    ]
    assert "under the threshold" in (chips.nth(1).get_attribute("title") or "")
    chips.nth(1).hover()
    assert page.locator("#product-text mark").all_inner_texts() == ["RoHS"]
    chips.nth(0).hover()
    assert page.locator("#product-text mark").all_inner_texts() == ["CE"]
