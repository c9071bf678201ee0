"""`python cli.py enrich` as a user runs it: a catalogue in, one record per product out, resumed
after a kill -9 without redoing or losing a product."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROTOTYPE_DATA, REPO, needs_prototype_data
from tests.support.jobs import LAMP_FIELDS, enrich_arguments, lamps, write_jsonl

Run = Callable[..., subprocess.CompletedProcess[str]]


def _environ(database_url: str, **env: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock", **env}


def _runner(database_url: str) -> Run:
    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "cli.py", *args],
            cwd=REPO,
            env=_environ(database_url, **env),
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


def _provisioned(run: Run, *provision_args: str) -> Run:
    for command in (("migrate",), ("provision", *provision_args)):
        result = run(*command)
        assert result.returncode == 0, result.stderr
    return run


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite database provisioned with the project's data, shared by the module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('enrich') / 'lookup.db'}"
    _provisioned(_runner(url))
    return url


@pytest.fixture
def cli(sqlite_url: str) -> Run:
    return _runner(sqlite_url)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_in_and_out_and_a_second_run_skips_everything(cli: Run, tmp_path: Path) -> None:
    products = lamps(5)
    products[1] = {
        "sku": "SKU-1",
        "description": "Ampoule flamme E14 noir 25W",
        "fields": ["EF000042"],
    }
    products[2] = {
        "description": "Lampe 60W B22d",
        "fields": "EF000035, EF999999",
    }  # id: its row, 3
    catalogue = write_jsonl(tmp_path / "products.jsonl", products)
    out = tmp_path / "out.jsonl"

    first = cli(
        "enrich", str(catalogue), "--fields", LAMP_FIELDS, "--out", str(out), "--concurrency", "3"
    )

    assert first.returncode == 0, first.stderr
    records = {record["id"]: record for record in _read_jsonl(out)}
    assert sorted(records, key=str) == [3, "SKU-1", "lamp-000", "lamp-003", "lamp-004"]
    assert records["lamp-003"] == {
        "id": "lamp-003",
        "values": {"EF000042": "E27", "EF000035": 103, "EF000007": "blanc"},
        "status": {"EF000042": "ok", "EF000035": "ok", "EF000007": "ok"},
        "llm": "mock",
        "confidence": {"EF000042": 0.9, "EF000035": 0.9, "EF000007": 0.9},
        "evidence": {
            "EF000042": [{"start": 25, "end": 28, "text": "E27"}],
            "EF000035": [{"start": 20, "end": 24, "text": "103W"}],
            "EF000007": [{"start": 29, "end": 34, "text": "blanc"}],
        },
        "review": {"EF000042": True, "EF000035": True, "EF000007": True},  # no thresholds saved
    }
    assert records["SKU-1"]["values"] == {"EF000042": "E14"}
    assert records[3]["values"] == {"EF000035": 60, "EF999999": None}
    assert records[3]["status"] == {"EF000035": "ok", "EF999999": "unknown_field"}
    assert "warning: unknown fields, answered unknown_field: EF999999" in first.stderr
    assert "products: 5 done, 0 skipped" in first.stderr
    assert "fields: 11 ok, 0 not_found, 1 unknown_field" in first.stderr
    assert "values to review: 11 of 11" in first.stderr

    written = out.read_bytes()
    again = cli("enrich", str(catalogue), "--fields", LAMP_FIELDS, "--out", str(out))
    assert again.returncode == 0 and "products: 0 done, 5 skipped" in again.stderr
    assert out.read_bytes() == written


def test_csv_in_and_out(cli: Run, tmp_path: Path) -> None:
    catalogue = tmp_path / "products.csv"
    catalogue.write_text(
        "sku;description;fields\n"
        'A-1;"Lampe ""Standard"" 40W E27, blanc\nverre clair";\n'
        "A-2;Ampoule flamme E14 25W;EF000042\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"

    result = cli("enrich", str(catalogue), "--fields", LAMP_FIELDS, "--out", str(out))

    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as file:
        rows = {row["id"]: row for row in csv.DictReader(file)}
    assert list(rows["A-1"]) == [
        "id",
        "EF000042",
        "EF000035",
        "EF000007",
        "review",
        "confidence",
        "evidence",
        "status",
        "llm",
    ]
    trust = {"review", "confidence", "evidence"}
    assert {k: v for k, v in rows["A-1"].items() if k not in trust} == {
        "id": "A-1",
        "EF000042": "E27",
        "EF000035": "40",
        "EF000007": "blanc",
        "status": "ok",
        "llm": "mock",
    }
    assert rows["A-1"]["review"] == "EF000042 EF000035 EF000007"  # no thresholds saved
    assert rows["A-1"]["confidence"] == "EF000042=0.900 EF000035=0.900 EF000007=0.900"
    assert json.loads(rows["A-1"]["evidence"])["EF000035"] == [
        {"start": 17, "end": 20, "text": "40W"}
    ]
    assert {k: v for k, v in rows["A-2"].items() if k not in trust} == {
        "id": "A-2",
        "EF000042": "E14",
        "EF000035": "",
        "EF000007": "",
        "status": "ok",
        "llm": "mock",
    }
    again = cli("enrich", str(catalogue), "--fields", LAMP_FIELDS, "--out", str(out))
    assert "products: 0 done, 2 skipped" in again.stderr


def test_a_csv_begun_before_the_trust_columns_goes_on_without_them(
    cli: Run, tmp_path: Path
) -> None:
    catalogue = tmp_path / "products.csv"
    catalogue.write_text(
        "sku;description\nA-1;Lampe 40W E27\nA-2;Ampoule flamme E14 25W\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    out.write_text("id,EF000042,status,llm\nA-1,E27,ok,mock\n", encoding="utf-8")

    result = cli("enrich", str(catalogue), "--fields", "EF000042", "--out", str(out))

    assert result.returncode == 0, result.stderr
    # the rows it adds have every cell quoted, as all enrichment CSV rows now (a bare CR in a cell)
    assert (
        out.read_text(encoding="utf-8")
        == 'id,EF000042,status,llm\nA-1,E27,ok,mock\n"A-2","E14","ok","mock"\n'
    )


@needs_prototype_data
def test_the_prototype_input_with_its_own_fields(tmp_path: Path) -> None:
    run = _provisioned(
        _runner(f"sqlite:///{tmp_path / 'lookup.db'}"),
        "--fields",
        str(PROTOTYPE_DATA / "fields.json"),
        "--examples",
        str(PROTOTYPE_DATA / "examples.json"),
    )
    prototype = json.loads((PROTOTYPE_DATA / "input.json").read_text(encoding="utf-8"))
    catalogue = write_jsonl(tmp_path / "input.jsonl", prototype)
    out = tmp_path / "out.jsonl"

    result = run("enrich", str(catalogue), "--out", str(out))

    assert result.returncode == 0, result.stderr
    records = {record["id"]: record for record in _read_jsonl(out)}
    assert sorted(records) == [1, 2, 3, 4]
    for number, product in enumerate(prototype, 1):
        assert list(records[number]["status"]) == product["fields_to_extract"]
        assert "unknown_field" not in records[number]["status"].values()
    assert records[2]["values"]["EF000007"] == "gris"  # "Radiateur … gris ardoise 1000W"
    assert records[3]["values"]["EF002169"] == "céramique"  # "receveur … en céramique"
    assert "products: 4 done, 0 skipped (already in" in result.stderr


def test_malformed_rows_stop_before_any_work_with_their_lines(cli: Run, tmp_path: Path) -> None:
    catalogue = tmp_path / "products.jsonl"
    catalogue.write_text(
        '{"id": 1, "description": "Lampe E27"}\n'
        '{"id": 2, "description": "Lampe E14"\n'
        "\n"
        '{"id": 3, "Titre": "-"}\n'
        '{"id": 1, "description": "Lampe B22d"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"

    result = cli("enrich", str(catalogue), "--fields", "EF000042", "--out", str(out))

    assert result.returncode == 3
    assert result.stderr.strip() == (
        f"error: {catalogue}, line 2: invalid JSON at column 37: Expecting ',' delimiter"
        " (and 2 more malformed rows: line 4, line 5)"
    )
    assert not out.exists()
    no_fields = cli("enrich", str(catalogue.with_name("p.jsonl")), "--out", str(out))
    assert no_fields.returncode == 3 and "p.jsonl: no such file" in no_fields.stderr
    write_jsonl(catalogue, [{"description": "Lampe E27"}])
    no_fields = cli("enrich", str(catalogue), "--out", str(out))
    assert no_fields.returncode == 3 and "line 1: no field codes: give --fields" in no_fields.stderr
    wrong_format = cli(
        "enrich", str(catalogue), "--fields", "EF000042", "--out", str(tmp_path / "out.xlsx")
    )
    assert (
        wrong_format.returncode == 2
        and "must end in .jsonl, .ndjson or .csv" in wrong_format.stderr
    )
    for failed in (result, no_fields, wrong_format):
        assert "Traceback" not in failed.stderr


def test_a_killed_run_resumes_without_redoing_or_losing_a_product(
    cli: Run, sqlite_url: str, tmp_path: Path
) -> None:
    products = lamps(60)
    catalogue = write_jsonl(tmp_path / "products.jsonl", products)
    out = tmp_path / "out.jsonl"
    args = [
        sys.executable,
        "cli.py",
        *enrich_arguments(catalogue, out),
        "--concurrency",
        "2",
    ]
    environ = _environ(sqlite_url, MOCK_LATENCY_MS="50")

    process = subprocess.Popen(
        args, cwd=REPO, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_for_lines(out, 10, process)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    before = out.read_bytes()
    kept = before[: before.rfind(b"\n") + 1]
    finished = kept.count(b"\n")
    assert 10 <= finished < 60, "the run should have been killed half-way"
    with out.open("ab") as file:  # as if the kill had cut a write short
        file.write(b'{"id": "lamp-0')

    resumed = cli(
        *enrich_arguments(catalogue, out),
        "--concurrency",
        "8",
        MOCK_LATENCY_MS="50",
    )

    assert resumed.returncode == 0, resumed.stderr
    assert f"products: {60 - finished} done, {finished} skipped" in resumed.stderr
    assert "cut a torn last line" in resumed.stderr
    after = out.read_bytes()
    assert after.startswith(kept)  # the finished products were neither redone nor rewritten
    records = _read_jsonl(out)
    assert sorted(record["id"] for record in records) == [product["id"] for product in products]
    for record in records:
        number = int(str(record["id"]).removeprefix("lamp-"))
        assert record["values"] == {
            "EF000042": "E27",
            "EF000035": 100 + number,
            "EF000007": "blanc",
        }


def test_sixteen_products_at_a_time_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    run = _provisioned(_runner(postgres_url))
    catalogue = write_jsonl(tmp_path / "products.jsonl", lamps(40))
    out = tmp_path / "out.jsonl"

    result = run(
        "enrich", str(catalogue), "--fields", LAMP_FIELDS, "--out", str(out), "--concurrency", "16"
    )

    assert result.returncode == 0, result.stderr
    assert "products: 40 done, 0 skipped" in result.stderr and "0 failed" in result.stderr
    assert len({record["id"] for record in _read_jsonl(out)}) == 40


def _wait_for_lines(
    path: Path, count: int, process: subprocess.Popen[bytes], timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        if process.poll() is not None:
            raise AssertionError(
                f"enrich ended early: {process.stderr.read().decode() if process.stderr else ''}"
            )
        time.sleep(0.005)
    raise AssertionError(f"fewer than {count} lines in {path} after {timeout} s")


def test_a_run_with_failed_products_says_so_in_its_exit_code(cli: Run, tmp_path: Path) -> None:
    products = lamps(3)
    products[1]["description"] = (
        "Lampe " + "très longue " * 10 + "40W E27"
    )  # over MAX_DESCRIPTION_CHARS
    catalogue = write_jsonl(tmp_path / "lamps.jsonl", products)
    out = tmp_path / "enriched.jsonl"

    first = cli(
        *enrich_arguments(catalogue, out),
        MAX_DESCRIPTION_CHARS="60",
    )
    again = cli(
        *enrich_arguments(catalogue, out),
        MAX_DESCRIPTION_CHARS="60",
    )
    mended = cli("enrich", str(catalogue), "--fields", LAMP_FIELDS, "--out", str(out))

    assert first.returncode == 6, first.stderr
    assert "error: product lamp-001 (line 2): the description has" in first.stderr
    assert (
        "products: 2 done, 0 skipped (already in" in first.stderr
        and "1 failed (not written" in first.stderr
    )
    assert (
        again.returncode == 6 and "products: 0 done, 2 skipped" in again.stderr
    )  # retried, failed again
    assert mended.returncode == 0 and "products: 1 done, 2 skipped" in mended.stderr
    assert sorted(record["id"] for record in _read_jsonl(out)) == [
        "lamp-000",
        "lamp-001",
        "lamp-002",
    ]
