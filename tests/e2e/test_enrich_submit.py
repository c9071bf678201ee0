"""`enrich --submit URL` against a real server (uvicorn on loopback, jobs on its own threads), and
the dry runs of `enrich` and of `POST /api/jobs`, which estimate without calling a model."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO
from tests.e2e.conftest import ClientFactory
from tests.support.jobs import LAMP_FIELDS, enrich_arguments, jsonl, lamps, write_jsonl
from tests.support.live_server import live_server, prepare_database


def _cli(database_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock", **env}
    environ.pop("LOOKUP_API_KEY", None)
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=REPO,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_catalogue_submitted_to_the_service_gives_what_a_local_run_gives(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lookup.db'}"
    key = prepare_database(url, api_key_name="shop")
    assert key is not None
    catalogue = write_jsonl(tmp_path / "lamps.jsonl", lamps(25))
    out, local = tmp_path / "out.csv", tmp_path / "local.csv"
    write_jsonl(tmp_path / "first.jsonl", lamps(25)[:10])
    assert (
        _cli(
            url, "enrich", str(tmp_path / "first.jsonl"), "--fields", LAMP_FIELDS, "--out", str(out)
        ).returncode
        == 0
    )

    with live_server(url, JOB_CHUNK_SIZE="4") as server:
        refused = _cli(
            url,
            *enrich_arguments(catalogue, out),
            "--submit",
            server.base_url,
        )
        submitted = _cli(
            url,
            *enrich_arguments(catalogue, out),
            "--submit",
            server.base_url,
            LOOKUP_API_KEY=key,
        )
    unreachable = _cli(
        url,
        "enrich",
        str(catalogue),
        "--fields",
        LAMP_FIELDS,
        "--out",
        str(tmp_path / "o.csv"),
        "--submit",
        server.base_url,
        LOOKUP_API_KEY=key,
    )
    ran_locally = _cli(url, "enrich", str(catalogue), "--fields", LAMP_FIELDS, "--out", str(local))

    assert (
        refused.returncode == 2
        and "the service answered 401" in refused.stderr
        and "Traceback" not in refused.stderr
    )
    assert submitted.returncode == 0, submitted.stderr
    assert (
        "products: 15 done, 10 skipped" in submitted.stderr and "fields: 45 ok" in submitted.stderr
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert (
        lines[0]
        == '"id","EF000042","EF000035","EF000007","review","confidence","evidence","status","llm"'
        and len(lines) == 26
    )  # every cell quoted
    assert sorted(lines) == sorted(local.read_text(encoding="utf-8").splitlines())
    assert (
        unreachable.returncode == 4
        and f"the service at {server.base_url} is unavailable" in unreachable.stderr
    )
    assert "Traceback" not in unreachable.stderr and ran_locally.returncode == 0


def test_dry_runs_estimate_calls_and_tokens_without_calling_a_model(
    make_client: ClientFactory, database_url: str, tmp_path: Path
) -> None:
    client = make_client()
    container = client.app.state.container  # type: ignore[attr-defined]
    upload = {"file": ("l.jsonl", jsonl(lamps(6)))}

    estimated = client.post(
        "/api/jobs", params={"dry_run": "true"}, files=upload, data={"fields": LAMP_FIELDS}
    )

    assert estimated.status_code == 200, estimated.text
    estimate = estimated.json()
    answer_tokens = container.llms.get().prompt_format.answer_tokens
    assert estimate["products"] == 6 and estimate["calls"] == 18
    assert (
        estimate["prompt_tokens"] > 18 * 50
        and estimate["completion_tokens_at_most"] == 18 * answer_tokens
    )
    assert client.get("/api/usage").json()["month"]["calls"] == 0  # nothing was spent
    assert container.storage.database.execute_sql("SELECT COUNT(*) FROM job").fetchone()[0] == 0
    for product in lamps(6)[:2]:  # answered once: the cache answers them next time
        client.post(
            "/api/product/fields/lookup",
            json={"description": product["description"], "fields": LAMP_FIELDS.split(",")},
        )
    time.sleep(0.3)  # the cache writer gathers answers for 50 ms
    again = client.post(
        "/api/jobs",
        params={"dry_run": "true"},
        files={"file": ("l.jsonl", jsonl(lamps(6)))},
        data={"fields": LAMP_FIELDS},
    )
    assert again.json()["calls"] == 12
    catalogue = write_jsonl(tmp_path / "lamps.jsonl", lamps(6))
    cli = _cli(
        database_url,
        "enrich",
        str(catalogue),
        "--fields",
        LAMP_FIELDS,
        "--out",
        str(tmp_path / "o.jsonl"),
        "--dry-run",
    )
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.startswith("dry run, no model was called: 6 products, 12 model calls, ")
    assert not (tmp_path / "o.jsonl").exists()
