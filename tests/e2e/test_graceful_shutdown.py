"""SIGTERM on a real uvicorn: the lookup under way gets its whole answer, new connections are
refused, and the server exits cleanly."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import live_server, prepare_database

LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"


def test_sigterm_finishes_the_request_under_way_and_takes_no_new_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lookup.db'}"
    prepare_database(url)
    answers: list[httpx.Response] = []
    with live_server(
        url, MOCK_LATENCY_MS="1500", LLM_QUERY_TIMEOUT="5", LOOKUP_CACHE="off"
    ) as server:
        slow = threading.Thread(
            target=lambda: answers.append(
                httpx.post(
                    f"{server.base_url}/api/product/fields/lookup",
                    json={"description": LAMP, "fields": ["EF000042", "EF000035"]},
                    timeout=10,
                )
            )
        )
        slow.start()
        time.sleep(0.5)  # the lookup is under way: 1.5 s per model call

        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.base_url}/health", timeout=2)
        slow.join(timeout=10)
        exit_code = server.process.wait(timeout=10)

    [answer] = answers
    assert answer.status_code == 200 and answer.json() == {"EF000042": "E27", "EF000035": 60}
    assert (
        exit_code == -signal.SIGTERM
    )  # uvicorn raises the signal again once it has shut down cleanly
