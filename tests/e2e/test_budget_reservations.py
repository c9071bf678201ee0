"""Budgets that hold under concurrency, on a real server over SQLite and PostgreSQL: 30 lookups
(or streams) sent at once on a 2,000-token budget spend at most the budget and one request's
worst case (what the dry run estimates for it), the others answered 429."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from src.adapters.driven.storage.database import open_database
from tests.conftest import REPO
from tests.support.jobs import jsonl
from tests.support.live_server import live_server, prepare_database

BUDGET = 2_000
FIELDS = ["EF000042", "EF000035"]
CONCURRENT = 30


def _description(n: int) -> str:
    return f"Lampe incandescente {100 + n}W E27 blanc, réf. {n:03d}"  # no two alike: no cache


def _cli(database_url: str, *args: str) -> str:
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"}
    run = subprocess.run(
        [sys.executable, "cli.py", "keys", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def _worst_case(http: httpx.Client, headers: dict[str, str]) -> int:
    """One request's hold: its prompts and the most its answers may take, as the dry run says."""
    catalogue = [{"id": n, "description": _description(n)} for n in range(CONCURRENT)]
    estimate = http.post(
        "/api/jobs?dry_run=true",
        files={"file": ("l.jsonl", jsonl(catalogue))},
        data={"fields": ",".join(FIELDS)},
        headers=headers,
    ).json()
    return -(-(estimate["prompt_tokens"] + estimate["completion_tokens_at_most"]) // CONCURRENT)


LOOKUP = "/api/product/fields/lookup"


@pytest.mark.parametrize("path", [LOOKUP, f"{LOOKUP}/stream"])
def test_concurrent_requests_overshoot_a_budget_by_at_most_one_requests_hold(
    database_url: str, path: str
) -> None:
    key = prepare_database(database_url, "shop")
    headers = {"Authorization": f"Bearer {key}"}
    # Set before the server starts: a process goes by a budget it read for a while.
    _cli(database_url, "set-budget", "shop", str(BUDGET))
    with (
        live_server(database_url, LOOKUP_CACHE="off", MOCK_LATENCY_MS="300") as server,
        httpx.Client(base_url=server.base_url, timeout=30) as http,
    ):
        hold = _worst_case(http, headers)

        def send(n: int) -> int:
            body = {"description": _description(n), "fields": FIELDS}
            answer = http.post(path, json=body, headers=headers)
            answer.read()
            return answer.status_code

        with ThreadPoolExecutor(CONCURRENT) as pool:
            statuses = list(pool.map(send, range(CONCURRENT)))
        month = http.get("/api/usage", headers=headers).json()["month"]

    spent = month["prompt_tokens"] + month["completion_tokens"]
    assert set(statuses) == {200, 429} and statuses.count(200) >= 1, statuses
    assert 0 < spent <= BUDGET + hold, (spent, hold, statuses.count(200))


def test_a_stream_the_client_leaves_releases_its_hold(database_url: str) -> None:
    key = prepare_database(database_url, "shop")
    headers = {"Authorization": f"Bearer {key}"}
    _cli(database_url, "set-budget", "shop", "1000000")
    body = {"description": _description(1), "fields": [*FIELDS, "EF000007"]}
    with (
        live_server(
            database_url,
            LOOKUP_CACHE="off",
            MOCK_LATENCY_MS="200",
            MOCK_STALL_FIELDS="EF000007",  # its answer comes at the deadline, 10 s on
        ) as server,
        httpx.Client(base_url=server.base_url, timeout=30) as http,
    ):
        with http.stream("POST", f"{LOOKUP}/stream", json=body, headers=headers) as answer:
            assert answer.status_code == 200
            assert _holds(database_url) == 1  # held while the stream runs
            next(answer.iter_lines())  # the first field, then the client goes
        give_up = time.monotonic() + 5  # well before the stream's deadline
        while _holds(database_url) and time.monotonic() < give_up:
            time.sleep(0.1)

    assert _holds(database_url) == 0


def _holds(database_url: str) -> int:
    database = open_database(database_url)
    try:
        with database.connection_context():
            return int(
                database.execute_sql("SELECT COUNT(*) FROM budget_reservation").fetchone()[0]
            )
    finally:
        database.close()
