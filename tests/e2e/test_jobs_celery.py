"""Catalogue jobs on Celery: a real Redis, a throwaway PostgreSQL and two real worker processes
on loopback. A worker killed with SIGKILL mid-job loses nothing and duplicates nothing: its
chunks go to the other worker once their visibility timeout has passed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from src.adapters.driving.http.app import create_app
from src.bootstrap import bootstrap
from tests.conftest import REPO
from tests.support.job_workers import workers
from tests.support.jobs import (
    LAMP_FIELDS,
    finished,
    jsonl,
    lamps,
    read_jsonl,
    wait_for,
    write_jsonl,
)
from tests.support.live_server import prepare_database
from tests.support.redis_server import ThrowawayRedis

VISIBILITY_SECONDS = "10"
"""Shorter than the default 30 s, to keep the test short; the mechanism is the same."""


@pytest.fixture
def engine_env(postgres_url: str) -> Iterator[dict[str, str]]:
    redis = ThrowawayRedis()
    try:
        prepare_database(postgres_url)
        yield {
            "DATABASE_URL": postgres_url,
            "REDIS_URL": redis.url,
            "CONFIG_MODULE": "config.mock",
            "JOB_VISIBILITY_SECONDS": VISIBILITY_SECONDS,
            "JOB_CHUNK_SIZE": "10",
            "MOCK_LATENCY_MS": "100",
        }
    finally:
        redis.stop()


@pytest.fixture
def api(engine_env: dict[str, str]) -> Iterator[TestClient]:
    container = bootstrap(Settings.from_env(engine_env))
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        yield client
    container.close()


def test_a_worker_killed_mid_job_loses_and_duplicates_nothing(
    api: TestClient, engine_env: dict[str, str], tmp_path: Path
) -> None:
    catalogue = write_jsonl(tmp_path / "lamps.jsonl", lamps(300))
    with workers(2, concurrency=2, **engine_env) as (doomed, survivor):
        job = api.post(
            "/api/jobs",
            files={"file": ("lamps.jsonl", catalogue.read_bytes())},
            data={"fields": LAMP_FIELDS},
        ).json()
        wait_for(api, job["id"], lambda progress: progress["done"] >= 40)
        os.kill(doomed.process.pid, signal.SIGKILL)
        doomed.process.wait(timeout=10)
        in_flight = doomed.received() - doomed.succeeded()

        progress = wait_for(api, job["id"], finished, seconds=120)

        assert in_flight, "the killed worker should have had chunks under way"
        assert in_flight <= survivor.succeeded(), "its chunks should have gone to the other worker"
    assert (progress["state"], progress["done"], progress["failed"]) == ("done", 300, 0)
    assert progress["fields"]["ok"] == 900
    records = read_jsonl(api.get(job["results"]).text)
    assert [record["id"] for record in records] == [f"lamp-{n:03d}" for n in range(300)]
    local = _enriched_locally(catalogue, tmp_path / "local.jsonl", engine_env)
    assert sorted(records, key=lambda record: record["id"]) == sorted(
        local, key=lambda record: record["id"]
    )


def test_a_cancelled_job_stops_on_every_worker(api: TestClient, engine_env: dict[str, str]) -> None:
    with workers(2, concurrency=2, **engine_env):
        job = api.post(
            "/api/jobs",
            files={"file": ("l.jsonl", jsonl(lamps(200)))},
            data={"fields": LAMP_FIELDS},
        ).json()
        wait_for(api, job["id"], lambda progress: progress["done"] >= 10)

        at_cancel = api.delete(job["progress"]).json()
        time.sleep(2)  # the products under way (100 ms each) finish
        settled = api.get(job["progress"]).json()
        time.sleep(1)  # and nothing starts after them
        later = api.get(job["progress"]).json()

    assert at_cancel["state"] == "cancelled" and later["state"] == "cancelled"
    assert (
        at_cancel["done"] <= settled["done"] <= at_cancel["done"] + 4
    )  # two workers, two products in flight each
    assert later["done"] == settled["done"] < 200
    assert len(read_jsonl(api.get(job["results"]).text)) == settled["done"]


def _enriched_locally(catalogue: Path, out: Path, env: dict[str, str]) -> list[dict[str, object]]:
    environ = {**os.environ, **env, "MOCK_LATENCY_MS": "0", "LOOKUP_CACHE": "off"}
    environ.pop("REDIS_URL")
    run = subprocess.run(
        [
            sys.executable,
            "cli.py",
            "enrich",
            str(catalogue),
            "--fields",
            LAMP_FIELDS,
            "--out",
            str(out),
            "--concurrency",
            "8",
        ],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return read_jsonl(out.read_text(encoding="utf-8"))


def test_two_workers_spending_at_once_overshoot_the_budget_by_at_most_one_products_hold(
    api: TestClient, engine_env: dict[str, str]
) -> None:
    container = api.app.state.container  # type: ignore[attr-defined]
    shop = {"Authorization": f"Bearer {container.api_keys.create('shop')}"}
    catalogue = jsonl(lamps(100))
    estimate = api.post(
        "/api/jobs?dry_run=true",
        files={"file": ("l.jsonl", catalogue)},
        data={"fields": LAMP_FIELDS},
        headers=shop,
    ).json()
    hold = -(-(estimate["prompt_tokens"] + estimate["completion_tokens_at_most"]) // 100)
    container.accounts.set_budget("key:shop", 20_000)  # about 16 products of 3 fields
    with workers(2, concurrency=2, **{**engine_env, "MOCK_LATENCY_MS": "20"}):
        job = api.post(
            "/api/jobs",
            files={"file": ("l.jsonl", catalogue)},
            data={"fields": LAMP_FIELDS},
            headers=shop,
        ).json()
        paused = wait_for(
            api, job["id"], lambda progress: progress["state"] == "paused", headers=shop
        )
        time.sleep(1.5)  # what was under way when it paused finishes
        settled = api.get(job["progress"], headers=shop).json()

    spent = settled["usage"]["prompt_tokens"] + settled["usage"]["completion_tokens"]
    assert paused["done"] < 100 and settled["state"] == "paused"
    assert 0 < spent <= 20_000 + hold, (spent, hold)
    usage = api.get("/api/usage", headers=shop).json()
    assert (
        usage["month"]["calls"] == settled["usage"]["calls"]
    )  # the workers' counts, read by the API


def test_what_a_killed_worker_spent_on_the_products_it_finished_is_counted(
    api: TestClient, engine_env: dict[str, str]
) -> None:
    env = {
        **engine_env,
        "LOOKUP_CACHE": "off",  # every product redone calls the model again
        "USAGE_FLUSH_SECONDS": "3600",  # nothing is written on a timer: only what the runner writes
    }
    with workers(2, concurrency=2, **env) as (doomed, _):
        job = api.post(
            "/api/jobs",
            files={"file": ("lamps.jsonl", jsonl(lamps(120)))},
            data={"fields": LAMP_FIELDS},
        ).json()
        wait_for(api, job["id"], lambda progress: progress["done"] >= 30)
        os.kill(doomed.process.pid, signal.SIGKILL)
        doomed.process.wait(timeout=10)
        assert doomed.received() - doomed.succeeded(), "the killed worker had no chunk under way"
        progress = wait_for(api, job["id"], finished, seconds=120)

    assert (progress["state"], progress["done"]) == ("done", 120)
    assert progress["usage"]["calls"] >= 3 * 120, progress["usage"]
