"""The CLI as a user runs it: `python cli.py …` in a subprocess, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DATA, PROTOTYPE_DATA, REPO, needs_prototype_data

Run = Callable[..., subprocess.CompletedProcess[str]]
LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"


@pytest.fixture
def cli(database_url: str, postgres_url: str) -> Run:
    if database_url == postgres_url:
        _reset_postgres(postgres_url)

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        environ = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CONFIG_MODULE": "config.mock",
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

    return run


def _reset_postgres(url: str) -> None:
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def test_migrate_provision_twice_and_look_up(cli: Run) -> None:
    applied = cli("migrate").stdout.strip()
    assert applied.startswith("applied: 001_catalogue, ")
    assert applied.split(": ")[1].split(", ") == sorted(
        p.stem for p in (REPO / "migrations").glob("0*.py")
    )
    assert cli("migrate").stdout.strip() == "the database is up to date"
    first = cli("provision")
    second = cli("provision")
    assert first.returncode == 0 and second.returncode == 0
    fields = len(json.loads((PROJECT_DATA / "fields.json").read_text()))
    examples = len(json.loads((PROJECT_DATA / "examples.json").read_text()))
    assert (
        first.stdout.strip()
        == f"fields: {fields} created, 0 updated; examples: {examples} created, 0 updated"
    )
    assert (
        second.stdout.strip()
        == f"fields: 0 created, {fields} updated; examples: 0 created, {examples} updated"
    )

    as_json = cli("lookup", LAMP, "EF000042", "EF424242", "--json")
    assert as_json.returncode == 0 and json.loads(as_json.stdout) == {
        "EF000042": "E27",
        "EF424242": None,
    }
    table = cli("lookup", LAMP, "EF000042", "--llm", "mock")
    assert "EF000042" in table.stdout and '"E27"' in table.stdout and "ok" in table.stdout

    listed = json.loads(cli("fields", "--json").stdout)
    assert len(listed) == fields and listed[0]["code"] <= listed[-1]["code"]
    assert "culot" in cli("fields").stdout


def test_llms_lists_the_default_first(cli: Run) -> None:
    assert cli("llms").stdout.split() == ["mock"]
    assert cli("llms", CONFIG_MODULE="config.example").stdout.split() == [
        "gemma3",
        "gemma3-per-field",
        "gemma3-basic",
        "gemma3-few-shot",
        "gemma3-text-numbers",
        "gemma3-text-spans",
        "gemma3-prepass",
        "gemma3-all-in-one",
        "gemma3-prepass-all-in-one",
        "gemma3-answer-object",
        "gemma3-free-text",
        "mock",
    ]


@needs_prototype_data
def test_prototype_files_are_read_unchanged(cli: Run) -> None:
    cli("migrate")
    result = cli(
        "provision",
        "--fields",
        str(PROTOTYPE_DATA / "fields.json"),
        "--examples",
        str(PROTOTYPE_DATA / "examples.json"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("fields: 76 created")


def test_a_malformed_file_is_one_clear_line_and_nothing_changes(cli: Run, tmp_path: Path) -> None:
    cli("migrate")
    cli("provision")
    before = cli("fields", "--json").stdout
    bad = tmp_path / "examples.json"
    bad.write_text(
        json.dumps(
            [
                {"field": "EF000042", "context": "Ampoule E14", "value": "E14"},
                {"field": "EF000042", "context": "Ampoule", "value": ["E27"]},
            ]
        )
    )

    result = cli("provision", "--examples", str(bad))

    assert result.returncode == 3
    assert (
        result.stderr.strip()
        == f"error: {bad}, record 2 (EF000042): value must be a number, a string, a boolean or null"
    )
    assert "Traceback" not in result.stderr
    assert cli("fields", "--json").stdout == before


def test_errors_are_messages_not_tracebacks(cli: Run) -> None:
    not_migrated = cli("lookup", LAMP, "EF000042")
    assert not_migrated.returncode == 4 and "python cli.py migrate" in not_migrated.stderr
    cli("migrate")
    unknown = cli("lookup", LAMP, "EF000042", "--llm", "gpt-9")
    assert unknown.returncode == 2 and "gpt-9" in unknown.stderr and "mock" in unknown.stderr
    missing = cli("provision", "--fields", "nowhere.json")
    assert missing.returncode == 3 and "nowhere.json: no such file" in missing.stderr
    bad_config = cli("llms", CONFIG_MODULE="config.nothing")
    assert bad_config.returncode == 5 and "config.nothing" in bad_config.stderr
    bad_url = cli("migrate", DATABASE_URL="mysql://db/lookup")
    assert bad_url.returncode == 5 and bad_url.stderr.startswith(
        "error: DATABASE_URL must start with"
    )
    bad_number = cli("llms", LOOKUP_WORKERS="many")
    assert bad_number.returncode == 5 and "LOOKUP_WORKERS" in bad_number.stderr
    not_finite = cli("lookup", LAMP, "EF000042", LLM_QUERY_TIMEOUT="nan")
    assert not_finite.returncode == 5
    assert not_finite.stderr.strip() == "error: LLM_QUERY_TIMEOUT='nan' is not a finite number"
    for result in (not_migrated, unknown, missing, bad_config, bad_url, bad_number, not_finite):
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_what_postgresql_would_refuse_is_refused_on_both_by_file_record_and_limit(
    cli: Run, tmp_path: Path
) -> None:
    cli("migrate")
    cli("provision")
    before = cli("fields", "--json").stdout
    good = {"code": "EF999999", "label": "Longueur", "type": "number", "unit": "mm"}
    defects = {
        "code": (
            {**good, "code": "EF" + "9" * 63},
            "the code has 65 characters; at most 64 are accepted",
        ),
        "unit": (
            {**good, "unit": "millimètres " * 3},
            "the unit has 36 characters; at most 32 are accepted",
        ),
        "label": (
            {**good, "label": "Lon\u0000gueur"},
            "the label holds a NUL character at position 3",
        ),
        "option": (
            {**good, "type": "select", "options": ["a", "b\ud800"]},
            "the option holds a lone surrogate (not valid Unicode) at position 1",
        ),
    }
    for name, (record, reason) in defects.items():
        path = tmp_path / f"fields-{name}.json"
        path.write_text(json.dumps([good | {"code": "EF999998"}, record]), encoding="utf-8")
        result = cli("provision", "--fields", str(path))
        assert result.returncode == 3, (name, result.stderr)
        assert (
            result.stderr.strip() == f"error: {path}, record 2 ({record['code'].strip()}): {reason}"
        )
    examples = tmp_path / "examples.json"
    examples.write_text(
        json.dumps([{"field": "EF000042", "context": "Ampoule\u0000 E27", "value": "E27"}])
    )
    refused = cli("provision", "--examples", str(examples))
    assert refused.returncode == 3
    assert (
        refused.stderr.strip() == f"error: {examples}, record 1 (EF000042): "
        "the context holds a NUL character at position 7"
    )
    assert cli("fields", "--json").stdout == before  # nothing written
