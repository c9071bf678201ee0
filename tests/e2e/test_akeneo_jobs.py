"""`python cli.py akeneo enrich --job` as a PIM administrator runs it: the products of a family
looked up as a catalogue job by two real Celery workers (a real Redis, a throwaway PostgreSQL),
against a loopback stand-in of Akeneo's REST API, and written back by the command; the job
belongs to a key, is followed through the API by it, and a command killed mid-write goes on
with the same job, writing no product twice and looking none up again."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from config.settings import Settings
from src.adapters.driven.storage.job_tables import JobRow
from src.adapters.driving.http.app import create_app
from src.bootstrap import bootstrap
from src.domain.access.roles import DEFAULT_TENANT, Role
from src.domain.trust.ports import FieldThreshold
from tests.conftest import REPO
from tests.support.akeneo_catalogue import FAMILY, TARGETS, lamp_catalogue, product_uuid
from tests.support.akeneo_stand_in import AkeneoStandIn
from tests.support.job_workers import workers
from tests.support.live_server import prepare_database
from tests.support.redis_server import ThrowawayRedis

PRODUCTS = 40
TENANT = "shop"
ENRICH = (
    "akeneo",
    "enrich",
    "--family",
    FAMILY,
    "--text",
    "name",
    "--text",
    "description",
    "--batch-size",
    "5",
)


@pytest.fixture
def stand_in() -> Iterator[AkeneoStandIn]:
    server = AkeneoStandIn(lamp_catalogue(PRODUCTS)).start()
    yield server
    server.stop()


@pytest.fixture
def environ(postgres_url: str, stand_in: AkeneoStandIn) -> Iterator[dict[str, str]]:
    """Migrated, emptied; the family's attributes made fields, every target trusted at 0.5;
    a Redis for the engine."""
    redis = ThrowawayRedis()
    try:
        prepare_database(postgres_url)
        env = {
            **os.environ,
            "DATABASE_URL": postgres_url,
            "REDIS_URL": redis.url,
            "CONFIG_MODULE": "config.mock",
            "JOB_CHUNK_SIZE": "10",
            "MOCK_LATENCY_MS": "20",
            **stand_in.environment(),
        }
        fields = subprocess.run(
            [sys.executable, str(REPO / "cli.py"), "akeneo", "fields", "--family", FAMILY],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert fields.returncode == 0, fields.stderr
        container = bootstrap(Settings.from_env(env))
        try:
            container.thresholds.save([FieldThreshold("mock", c, 0.5, 0.9) for c in TARGETS])
        finally:
            container.close()
        yield env
    finally:
        redis.stop()


def _cli(environ: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _jobs(environ: dict[str, str]) -> list[tuple[str, str, str, int, int]]:
    """Every job stored: (id, owner, state, total, done)."""
    container = bootstrap(Settings.from_env(environ))
    try:
        rows = JobRow.select().execute(container.storage.database)
        return [(r.id, r.owner, r.state, r.total, r.done) for r in rows]
    finally:
        container.close()


def _value(stand_in: AkeneoStandIn, number: int, code: str) -> object:
    values = stand_in.catalogue.products[product_uuid(number)]["values"].get(code, [])
    return values[0]["data"] if values else None


def _key(environ: dict[str, str], name: str, tenant: str) -> str:
    container = bootstrap(Settings.from_env(environ))
    try:
        return container.api_keys.create(name, Role.LOOKUP, tenant)
    finally:
        container.close()


def _pending_reviews(environ: dict[str, str], tenant: str) -> int:
    container = bootstrap(Settings.from_env(environ))
    try:
        return container.review_queue.pending_count(tenant)
    finally:
        container.close()


def test_the_workers_look_the_family_up_and_the_command_writes_it_back(
    environ: dict[str, str], stand_in: AkeneoStandIn, tmp_path: Path
) -> None:
    secret = _key(environ, "pim", TENANT)
    other = _key(environ, "other", DEFAULT_TENANT)
    state = tmp_path / f"akeneo-{FAMILY}.state.jsonl"
    state.write_text('{"job": "0123456789abcdef", "collected": false}\n')  # another database's

    with workers(2, concurrency=2, **environ) as started:
        result = _cli(environ, tmp_path, *ENRICH, "--job", "--key", "pim")
        ran = sum(len(worker.succeeded()) for worker in started)

    assert result.returncode == 0, result.stderr
    assert "job 0123456789abcdef of the state file is gone" in result.stderr
    [(job_id, owner, state, total, done)] = _jobs(environ)
    assert (owner, state, total, done) == ("key:pim", "done", PRODUCTS, PRODUCTS)
    assert ran == PRODUCTS // 10  # every chunk ran on a worker
    counts = Counter(uuid for uuid, _ in stand_in.applied)
    assert counts == Counter(product_uuid(n) for n in range(PRODUCTS))  # each once
    assert _value(stand_in, 1, "lamp_base") == "e14"
    assert _value(stand_in, 1, "power") == {"amount": 41, "unit": "WATT"}
    assert _value(stand_in, 0, "lamp_base") == "gu10"  # filled: not overwritten
    assert _value(stand_in, 1, "dimmable") is None  # a guess: for review
    assert _pending_reviews(environ, TENANT) > PRODUCTS  # every dimmable, and more
    assert _pending_reviews(environ, DEFAULT_TENANT) == 0  # the key's tenant's queue only
    container = bootstrap(Settings.from_env(environ))
    try:
        with TestClient(create_app(container)) as api:
            mine = api.get(f"/api/jobs/{job_id}", headers={"Authorization": f"Bearer {secret}"})
            theirs = api.get(f"/api/jobs/{job_id}", headers={"Authorization": f"Bearer {other}"})
    finally:
        container.close()
    assert mine.status_code == 200 and mine.json()["done"] == PRODUCTS
    assert theirs.status_code == 404  # another tenant's key does not see it

    again = _cli(environ, tmp_path, *ENRICH, "--job", "--key", "pim")

    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stderr
    assert len(_jobs(environ)) == 1 and len(stand_in.applied) == PRODUCTS


def test_values_are_written_back_while_the_job_still_runs(
    environ: dict[str, str], stand_in: AkeneoStandIn, tmp_path: Path
) -> None:
    _key(environ, "pim", TENANT)
    with workers(1, concurrency=1, **{**environ, "MOCK_LATENCY_MS": "100"}):
        result = _cli(environ, tmp_path, *ENRICH, "--job", "--key", "pim")

    assert result.returncode == 0, result.stderr
    container = bootstrap(Settings.from_env(environ))
    try:
        [row] = JobRow.select().execute(container.storage.database)
    finally:
        container.close()
    finished = row.finished_at.replace(tzinfo=datetime.UTC).timestamp()
    started = row.started_at.replace(tzinfo=datetime.UTC).timestamp()
    assert finished - started > 3  # 40 products one at a time, 0.1 s each at least
    assert stand_in.patched_at[0] < finished - 1  # the first batch went long before the end
    assert len(stand_in.applied) == PRODUCTS


def test_a_job_needs_workers_a_valid_key_once_keys_exist_and_no_dry_run(
    environ: dict[str, str], tmp_path: Path
) -> None:
    _key(environ, "pim", TENANT)
    revoked = bootstrap(Settings.from_env(environ))
    try:
        revoked.api_keys.create("gone", Role.LOOKUP, TENANT)
        revoked.api_keys.revoke("gone")
    finally:
        revoked.close()

    without = _cli(environ, tmp_path, *ENRICH, "--job")
    unknown = _cli(environ, tmp_path, *ENRICH, "--job", "--key", "nobody")
    gone = _cli(environ, tmp_path, *ENRICH, "--job", "--key", "gone")
    dry = _cli(environ, tmp_path, *ENRICH, "--job", "--key", "pim", "--dry-run")
    no_broker = {name: value for name, value in environ.items() if name != "REDIS_URL"}
    workerless = _cli(no_broker, tmp_path, *ENRICH, "--job", "--key", "pim")

    assert "--job needs --key NAME" in without.stderr
    assert "--key nobody: no such key, or it is revoked" in unknown.stderr
    assert "--key gone: no such key, or it is revoked" in gone.stderr
    assert "--dry-run looks the products up here" in dry.stderr
    assert "need REDIS_URL" in workerless.stderr
    for refused in (without, unknown, gone, dry, workerless):
        assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert _jobs(environ) == []


def test_killed_while_writing_back_it_goes_on_with_the_same_job_writing_nothing_twice(
    environ: dict[str, str], stand_in: AkeneoStandIn, tmp_path: Path
) -> None:
    _key(environ, "pim", TENANT)
    stand_in.faults.hold_patch = 2
    arguments = [*ENRICH, "--job", "--key", "pim", "--overwrite"]
    with workers(2, concurrency=2, **environ):
        process = subprocess.Popen(
            [sys.executable, str(REPO / "cli.py"), *arguments],
            cwd=tmp_path,
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert stand_in.held.wait(120), "the second PATCH never came"
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
        stand_in.release.set()
        first_batch = [uuid for uuid, _ in stand_in.applied]
        assert len(first_batch) == len(set(first_batch)) == 5  # the second PATCH dropped

        again = _cli(environ, tmp_path, *arguments)

    assert again.returncode == 0, again.stderr
    [(job_id, _, state, total, done)] = _jobs(environ)  # no second job: nothing looked up again
    assert (state, total, done) == ("done", PRODUCTS, PRODUCTS)
    assert f"going on with job {job_id}" in again.stderr
    counts = Counter(uuid for uuid, _ in stand_in.applied)
    assert counts == Counter(product_uuid(n) for n in range(PRODUCTS))  # each once, none twice
    assert _value(stand_in, 0, "lamp_base") == "e27"  # --overwrite replaced the filled GU10
    state_file = tmp_path / f"akeneo-{FAMILY}.state.jsonl"
    jobs = [json.loads(line) for line in state_file.read_text().splitlines() if '"job"' in line]
    assert jobs == [
        {"job": job_id, "collected": False},
        {"job": job_id, "collected": True},
    ]
