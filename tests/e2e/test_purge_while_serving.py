"""A running server purges what has outlived its use: an answer past LOOKUP_CACHE_TTL leaves
the database within a purge interval, while the server goes on."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import httpx

from tests.support.live_server import live_server, prepare_database

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"


def test_a_running_server_purges_answers_past_their_ttl(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lookup.db'}"
    prepare_database(url)

    def cached_rows() -> int:
        with sqlite3.connect(tmp_path / "lookup.db") as connection:
            return connection.execute("SELECT count(*) FROM lookup_cache").fetchone()[0]

    with live_server(url, LOOKUP_CACHE_TTL="1", PURGE_INTERVAL_SECONDS="0.2") as server:
        answered = httpx.post(
            f"{server.base_url}/api/product/fields/lookup",
            json={"description": LAMP, "fields": ["EF000042"]},
        )
        assert answered.status_code == 200 and answered.json() == {"EF000042": "E27"}
        seen = gone = False
        give_up = time.monotonic() + 15
        while time.monotonic() < give_up and not gone:
            rows = cached_rows()
            seen, gone = seen or rows == 1, seen and rows == 0
            time.sleep(0.05)
        assert seen and gone, "the answer is written, then purged once past LOOKUP_CACHE_TTL"
        assert (
            server.process.poll() is None
            and httpx.get(f"{server.base_url}/health").status_code == 200
        )
