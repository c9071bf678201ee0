"""A webhook outlives the worker that was sending it (issue 24, finding 10): a real Redis, a
throwaway PostgreSQL and real worker processes on loopback. The worker retrying a webhook is
killed with SIGKILL; a worker started afterwards delivers it, signed, within the same bounded
number of attempts."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from src.adapters.driving.http.app import create_app
from src.bootstrap import bootstrap
from tests.support.job_workers import workers
from tests.support.jobs import LAMP_FIELDS, finished, jsonl, lamps, wait_for
from tests.support.live_server import prepare_database
from tests.support.redis_server import ThrowawayRedis
from tests.support.webhook_receiver import webhook_receiver


@pytest.fixture
def engine_env(postgres_url: str) -> Iterator[dict[str, str]]:
    redis = ThrowawayRedis()
    try:
        prepare_database(postgres_url)
        yield {
            "DATABASE_URL": postgres_url,
            "REDIS_URL": redis.url,
            "CONFIG_MODULE": "config.mock",
            "JOB_VISIBILITY_SECONDS": "10",
            "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",  # the receiver is on loopback
            "WEBHOOK_DEADLINE_SECONDS": "3",
        }
    finally:
        redis.stop()


@pytest.fixture
def api(engine_env: dict[str, str]) -> Iterator[TestClient]:
    container = bootstrap(Settings.from_env(engine_env))
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        yield client
    container.close()


def test_a_webhook_is_delivered_after_the_worker_retrying_it_is_killed(
    api: TestClient, engine_env: dict[str, str]
) -> None:
    container = api.app.state.container  # type: ignore[attr-defined]
    shop = {"Authorization": f"Bearer {container.api_keys.create('shop')}"}
    secret = container.accounts.new_webhook_secret("key:shop")
    with webhook_receiver(failures=1_000) as receiver:
        with workers(1, concurrency=2, **engine_env) as [doomed]:
            job = api.post(
                "/api/jobs",
                files={"file": ("l.jsonl", jsonl(lamps(5)))},
                data={"fields": LAMP_FIELDS, "webhook_url": receiver.url},
                headers=shop,
            ).json()
            wait_for(api, job["id"], finished, headers=shop)
            give_up = time.monotonic() + 30
            while receiver.attempts < 2 and time.monotonic() < give_up:
                time.sleep(0.01)
            assert receiver.attempts >= 2, "the worker never retried the webhook"
            os.kill(doomed.process.pid, signal.SIGKILL)
            doomed.process.wait(timeout=10)
        failed_before_the_kill = receiver.attempts
        receiver.failures = failed_before_the_kill  # the receiver answers from now on

        with workers(1, concurrency=2, **engine_env):
            assert receiver.arrived.wait(60), "no worker delivered the webhook"

    assert failed_before_the_kill < 5
    assert receiver.attempts <= 5  # the attempts of both workers, bounded as one delivery's
    [(headers, body)] = receiver.deliveries
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-signature-sha256"], expected)
    event = json.loads(body)
    assert (event["job"]["id"], event["job"]["state"], event["job"]["done"]) == (
        job["id"],
        "done",
        5,
    )
