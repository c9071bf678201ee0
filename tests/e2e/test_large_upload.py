"""A large catalogue is stored in short transactions: on SQLite, whose one write lock every
writer shares, another key's job sent while 300,000 products are being stored is answered
within seconds, not after the whole catalogue (nor 503 once SQLite's busy timeout passes)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from tests.support.jobs import LAMP_FIELDS, jsonl, lamps
from tests.support.live_server import live_server, prepare_database

ROWS = 300_000


def test_another_write_waits_at_most_seconds_while_a_large_catalogue_is_stored(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'lookup.db'}"
    prepare_database(database_url)
    catalogue = jsonl(lamps(ROWS))
    small = jsonl(lamps(1))
    answers: list[tuple[int, float]] = []
    uploaded = threading.Event()

    with (
        live_server(
            database_url, JOB_CHUNK_SIZE="1000", JOB_CONCURRENCY="1", MOCK_LATENCY_MS="1000"
        ) as server,
        httpx.Client(base_url=server.base_url, timeout=60) as http,
    ):

        def write_meanwhile() -> None:
            with httpx.Client(base_url=server.base_url, timeout=60) as other:
                while not uploaded.is_set():
                    sent = time.monotonic()
                    answer = other.post(
                        "/api/jobs",
                        files={"file": ("one.jsonl", small)},
                        data={"fields": "EF000042"},
                    )
                    answers.append((answer.status_code, time.monotonic() - sent))
                    time.sleep(0.2)

        writer = threading.Thread(target=write_meanwhile)
        writer.start()
        try:
            big = http.post(
                "/api/jobs",
                files={"file": ("big.jsonl", catalogue)},
                data={"fields": LAMP_FIELDS},
            )
        finally:
            uploaded.set()
            writer.join(timeout=60)
        assert big.status_code == 202, big.text
        assert big.json()["total"] == ROWS
        http.delete(big.json()["progress"])

    assert len(answers) >= 5, answers
    assert {status for status, _ in answers} == {202}, answers
    slowest = max(seconds for _, seconds in answers)
    assert slowest < 3, f"a write waited {slowest:.1f} s behind the catalogue"
