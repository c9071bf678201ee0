"""Jobs that cannot wedge, on the embedded engine over SQLite and PostgreSQL: a result the
database refuses fails its product and the job still ends (with its webhook); a key past its
budget parks its chunks without holding a thread, so another key's job runs meanwhile; revoking
a key cancels its jobs and `python cli.py jobs cancel ID` cancels any; what each product spent is
written before its result, for every key."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from fastapi.testclient import TestClient

from src.adapters.driven.storage.database import is_postgres
from tests.conftest import REPO
from tests.e2e.conftest import ClientFactory
from tests.support.jobs import LAMP_FIELDS, finished, jsonl, lamps, read_jsonl, wait_for
from tests.support.webhook_receiver import webhook_receiver

_REFUSE_ON_POSTGRES = """
CREATE FUNCTION refuse_result() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'this result is refused'; END $$ LANGUAGE plpgsql;
CREATE TRIGGER refuse_result BEFORE INSERT ON job_result FOR EACH ROW
WHEN (NEW.product_key = 'lamp-003' AND NEW.result IS NOT NULL)
EXECUTE FUNCTION refuse_result();
"""
_REFUSE_ON_SQLITE = """
CREATE TRIGGER refuse_result BEFORE INSERT ON job_result
WHEN NEW.product_key = 'lamp-003' AND NEW.result IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'this result is refused'); END
"""

_ACCEPT_AGAIN = {
    True: ("DROP TRIGGER refuse_result ON job_result", "DROP FUNCTION refuse_result()"),
    False: ("DROP TRIGGER refuse_result",),
}
"""The PostgreSQL database outlives the test: its trigger must go with it."""


def _container(client: TestClient) -> Any:
    return client.app.state.container  # type: ignore[attr-defined]


def _key(client: TestClient, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_container(client).api_keys.create(name)}"}


def _submit(client: TestClient, count: int, headers: dict[str, str], **data: str) -> Any:
    answer = client.post(
        "/api/jobs",
        files={"file": ("lamps.jsonl", jsonl(lamps(count)))},
        data={"fields": LAMP_FIELDS, **data},
        headers=headers,
    )
    assert answer.status_code == 202, answer.text
    return answer.json()


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"}
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_result_the_database_refuses_fails_its_product_and_the_job_ends_with_its_webhook(
    make_client: ClientFactory,
) -> None:
    client = make_client(
        JOB_CHUNK_SIZE="4", WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32"
    )  # the receiver is on loopback
    database = _container(client).storage.database
    with database.connection_context():
        database.execute_sql(_REFUSE_ON_POSTGRES if is_postgres(database) else _REFUSE_ON_SQLITE)
    shop = _key(client, "shop")

    try:
        with webhook_receiver() as receiver:
            job = _submit(client, 10, shop, webhook_url=receiver.url)
            done = wait_for(client, job["id"], finished, headers=shop, seconds=30)
            assert receiver.arrived.wait(30), "no webhook for the job"
    finally:
        with database.connection_context():
            for statement in _ACCEPT_AGAIN[is_postgres(database)]:
                database.execute_sql(statement)

    assert (done["state"], done["done"], done["failed"]) == ("done", 9, 1)
    records = read_jsonl(client.get(job["results"], headers=shop).text)
    assert [record["id"] for record in records] == [f"lamp-{n:03d}" for n in range(10) if n != 3]


def test_a_key_past_its_budget_parks_its_chunks_and_another_keys_job_runs_meanwhile(
    make_client: ClientFactory,
) -> None:
    client = make_client(JOB_CHUNK_SIZE="1", JOB_CONCURRENCY="2", LOOKUP_CACHE="off")
    spent, other = _key(client, "spent"), _key(client, "other")
    accounts = _container(client).accounts

    parked = _submit(client, 30, spent)
    accounts.set_budget("key:spent", 0)
    wait_for(client, parked["id"], lambda p: p["state"] == "paused", headers=spent, seconds=30)
    time.sleep(1)  # the products under way when the budget went finish
    paused = client.get(parked["progress"], headers=spent).json()
    started = time.monotonic()
    quick = _submit(client, 2, other)
    done = wait_for(client, quick["id"], finished, headers=other, seconds=30)
    took = time.monotonic() - started

    assert done["state"] == "done" and took < 10, f"{took:.1f} s behind a paused job"
    still = client.get(parked["progress"], headers=spent).json()
    assert still["state"] == "paused" and still["done"] == paused["done"] < 30


def test_a_job_never_started_shows_paused_when_its_keys_budget_is_spent(
    make_client: ClientFactory,
) -> None:
    client = make_client(JOB_CHUNK_SIZE="5", JOB_CONCURRENCY="1", MOCK_LATENCY_MS="300")
    first, second = _key(client, "first"), _key(client, "second")
    busy = _submit(client, 5, first)  # holds the one thread for about 1.5 s
    waiting = _submit(client, 5, second)
    _container(client).accounts.set_budget("key:second", 0)

    paused = wait_for(
        client, waiting["id"], lambda p: p["state"] != "queued", headers=second, seconds=30
    )

    assert paused["state"] == "paused" and paused["done"] == 0 and paused["started_at"] is None
    wait_for(client, busy["id"], finished, headers=first, seconds=30)


def test_revoking_a_key_cancels_its_jobs_and_an_operator_cancels_any_job(
    make_client: ClientFactory, database_url: str
) -> None:
    client = make_client(JOB_CHUNK_SIZE="5", JOB_CONCURRENCY="2", MOCK_LATENCY_MS="100")
    shop, pim = _key(client, "shop"), _key(client, "pim")
    jobs = _container(client).jobs.service
    revoked_job = _submit(client, 400, shop)
    wait_for(client, revoked_job["id"], lambda p: p["done"] >= 5, headers=shop)

    revoked = _cli(database_url, "keys", "revoke", "shop")
    assert revoked.returncode == 0, revoked.stderr
    assert "1 unfinished job of it cancelled" in revoked.stdout
    assert client.get(revoked_job["progress"], headers=shop).status_code == 401
    time.sleep(1)  # the products under way finish; nothing starts after them
    settled = jobs.get("key:shop", revoked_job["id"])
    time.sleep(1)
    later = jobs.get("key:shop", revoked_job["id"])
    assert settled.state.value == later.state.value == "cancelled"
    assert later.done == settled.done < 400

    other_job = _submit(client, 400, pim)
    wait_for(client, other_job["id"], lambda p: p["done"] >= 5, headers=pim)
    cancelled = _cli(database_url, "jobs", "cancel", other_job["id"])
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.startswith(f"job {other_job['id']}: cancelled, ")
    time.sleep(1)
    settled_other = client.get(other_job["progress"], headers=pim).json()
    time.sleep(1)
    later_other = client.get(other_job["progress"], headers=pim).json()
    assert later_other["state"] == "cancelled"
    assert later_other["done"] == settled_other["done"] < 400

    unknown = _cli(database_url, "jobs", "cancel", "0" * 32)
    assert unknown.returncode != 0 and "0" * 32 in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_what_each_product_spent_is_written_before_its_result_for_a_key_without_budget(
    make_client: ClientFactory,
) -> None:
    client = make_client(
        JOB_CHUNK_SIZE="10",
        JOB_CONCURRENCY="1",
        MOCK_LATENCY_MS="20",
        LOOKUP_CACHE="off",
        USAGE_FLUSH_SECONDS="3600",  # nothing is written on a timer: only what the runner writes
    )
    shop = _key(client, "shop")
    job = _submit(client, 30, shop)

    seen: list[tuple[int, int]] = []
    give_up = time.monotonic() + 60
    progress: dict[str, Any] = {}
    while not (progress and finished(progress)) and time.monotonic() < give_up:
        progress = client.get(job["progress"], headers=shop).json()
        seen.append((progress["done"], progress["usage"]["calls"]))
        time.sleep(0.02)

    assert (progress["state"], progress["done"]) == ("done", 30), progress

    assert any(0 < done < 30 and done % 10 for done, _ in seen), "no look within a chunk"
    short = [(done, calls) for done, calls in seen if calls < 3 * done]
    assert not short, f"products done without what they spent written: {short[:5]}"
