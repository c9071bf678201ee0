"""Batch work is not interactive: `evaluate` and `enrich` give each product BATCH_QUERY_TIMEOUT
(or --timeout), not the API's LLM_QUERY_TIMEOUT (issue 11, item 2). The mock LLM answers after
0.5 s, past the 0.2 s request deadline, and one field stalls past any deadline."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

SLOW_BACKEND = {
    "CONFIG_MODULE": "config.mock",
    "LLM_QUERY_TIMEOUT": "0.2",
    "MOCK_LATENCY_MS": "500",
    "MOCK_STALL_FIELDS": "EF000035",
}
LAMPS = ["Lampe incandescente 40W E27 blanc", "Ampoule flamme 25W E14 noir"]
FIELDS = ("EF000042", "EF000035", "EF000007")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('batch') / 'lookup.db'}"
    for command in ("migrate", "provision"):
        assert cli(url, command).returncode == 0
    return url


def cli(database_url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOOKUP_CACHE": "off",
        **SLOW_BACKEND,
        **env,
    }
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_enrich_answers_slow_fields_within_its_own_deadline_and_a_stalled_one_ends_timeout(
    database: str, tmp_path: Path
) -> None:
    catalogue = tmp_path / "lamps.jsonl"
    catalogue.write_text(
        "".join(json.dumps({"id": n, "description": d}) + "\n" for n, d in enumerate(LAMPS))
    )
    out = tmp_path / "out.jsonl"

    started = time.monotonic()
    result = cli(
        database,
        "enrich",
        str(catalogue),
        "--fields",
        ",".join(FIELDS),
        "--out",
        str(out),
        "--timeout",
        "2",
    )

    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["status"] for r in records] == [
        {"EF000042": "ok", "EF000035": "timeout", "EF000007": "ok"}
    ] * 2
    assert {r["values"]["EF000042"] for r in records} == {"E27", "E14"}
    assert time.monotonic() - started < 60


def test_evaluate_uses_batch_query_timeout_and_reports_the_stalled_field_as_timeout(
    database: str, tmp_path: Path
) -> None:
    benchmark = tmp_path / "lamps.jsonl"
    expected = [
        {"EF000042": "E27", "EF000035": 40, "EF000007": "blanc"},
        {"EF000042": "E14", "EF000035": 25, "EF000007": "noir"},
    ]
    benchmark.write_text(
        "".join(
            json.dumps({"description": d, "expected": e}) + "\n"
            for d, e in zip(LAMPS, expected, strict=True)
        )
    )
    pairs = tmp_path / "pairs.csv"

    result = cli(
        database,
        "evaluate",
        str(benchmark),
        "--llm",
        "mock",
        "--out",
        str(pairs),
        BATCH_QUERY_TIMEOUT="2",
    )

    assert result.returncode == 0, result.stderr
    with pairs.open(encoding="utf-8", newline="") as handle:
        statuses = {
            (row["description"], row["field"]): row["status"] for row in csv.DictReader(handle)
        }
    assert statuses == {
        (d, code): "timeout" if code == "EF000035" else "ok" for d in LAMPS for code in FIELDS
    }


def test_the_batch_deadline_is_shown_by_help(database: str) -> None:
    for command in ("enrich", "evaluate"):
        shown = cli(database, command, "--help", COLUMNS="200")
        assert (
            shown.returncode == 0
            and "--timeout" in shown.stdout
            and "BATCH_QUERY_TIMEOUT" in shown.stdout
        )
