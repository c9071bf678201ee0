"""`python cli.py etim …` as a catalogue team runs it on an ETIM xChange file, with the mock
LLM: the file's features become fields and its filled values examples; `enrich` writes the file
back, valid against the xChange structures, with the values at or above their threshold added,
the others left out and queued for review; a malformed file is refused naming the file and the
record, before anything is written."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from src.bootstrap import bootstrap
from src.domain.access.roles import DEFAULT_TENANT
from src.domain.trust.ports import FieldThreshold
from tests.conftest import REPO
from tests.support.etim_xchange import (
    BASE,
    DIMMABLE,
    FEATURES,
    POWER,
    VOLTAGE_RANGE,
    lamps,
    schema_errors,
    write_json,
)

Run = Callable[..., subprocess.CompletedProcess[str]]
THRESHOLD = 0.5
"""Between the mock's confidence in a value read in the text (0.9) and in a guess (0.3)."""


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lookup.db'}"


def _container(database_url: str) -> Any:
    return bootstrap(
        Settings.from_env({"DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"})
    )


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Run:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(REPO / "cli.py"), *args],
            cwd=tmp_path,
            env={**os.environ, "DATABASE_URL": database_url, "CONFIG_MODULE": "config.mock"},
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run("migrate").returncode == 0
    return run


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write_json(tmp_path / "lamps.json", lamps()), write_json(
        tmp_path / "features.json", FEATURES
    )


@pytest.fixture
def provisioned(cli: Run, files: tuple[Path, Path], database_url: str) -> Run:
    """The file's features made fields, every one trusted at THRESHOLD."""
    catalogue, features = files
    result = cli("etim", "provision", str(catalogue), "--features", str(features))
    assert result.returncode == 0, result.stderr
    container = _container(database_url)
    try:
        container.thresholds.save(
            [
                FieldThreshold("mock", code, THRESHOLD, 0.9)
                for code in (BASE, POWER, DIMMABLE, VOLTAGE_RANGE)
            ]
        )
    finally:
        container.close()
    return cli


def _fields(cli: Run) -> dict[str, dict[str, Any]]:
    return {f["code"]: f for f in json.loads(cli("fields", "--json").stdout)}


def _features(document: dict[str, Any], product: int, classification: int = 0) -> list[Any]:
    entry = document["Supplier"][0]["Product"][product]["EtimClassification"][classification]
    return entry["EtimFeatures"]  # type: ignore[no-any-return]


def test_provision_makes_features_fields_and_filled_values_examples(
    cli: Run, files: tuple[Path, Path]
) -> None:
    catalogue, features = files

    first = cli("etim", "provision", str(catalogue), "--features", str(features))

    assert first.returncode == 0, first.stderr
    assert "fields: 4 created, 0 updated" in first.stdout
    assert "examples from 1 products: 4 created, 0 updated" in first.stdout
    assert "field EF000010: range (V) 'Voltage range'" in first.stdout
    assert "skipped EF000011: no type" in first.stderr
    known = _fields(cli)
    assert set(known) == {BASE, POWER, DIMMABLE, VOLTAGE_RANGE}
    assert (known[BASE]["type"], known[BASE]["label"]) == ("select", "Lamp base")
    assert known[BASE]["options"] == ["E27", "E14", "GU10"]
    assert (known[POWER]["type"], known[POWER]["unit"]) == ("number", "W")
    assert (known[DIMMABLE]["type"], known[DIMMABLE]["description"]) == ("boolean", "Can be dimmed")
    assert (known[VOLTAGE_RANGE]["type"], known[VOLTAGE_RANGE]["unit"]) == ("range", "V")

    again = cli("etim", "provision", str(catalogue), "--features", str(features))
    assert "fields: 0 created, 4 updated" in again.stdout
    assert "examples from 1 products: 0 created, 4 updated" in again.stdout
    assert len(_fields(cli)) == 4


def test_without_a_features_file_the_values_give_the_types_and_the_codes_the_labels(
    cli: Run, files: tuple[Path, Path]
) -> None:
    result = cli("etim", "provision", str(files[0]))

    assert result.returncode == 0, result.stderr
    known = _fields(cli)
    assert (known[BASE]["type"], known[BASE]["label"]) == ("select", BASE)
    assert known[BASE]["options"] == ["EV000001"]  # the only value code the file holds
    assert (known[POWER]["type"], known[POWER]["unit"]) == ("number", None)
    assert known[DIMMABLE]["type"] == "boolean"
    assert (known[VOLTAGE_RANGE]["type"], known[VOLTAGE_RANGE]["unit"]) == ("range", None)


def test_enrich_writes_confident_values_into_the_file_and_queues_the_others(
    provisioned: Run, files: tuple[Path, Path], tmp_path: Path, database_url: str
) -> None:
    catalogue, features = files
    out = tmp_path / "enriched.json"

    result = provisioned(
        "etim", "enrich", str(catalogue), "--out", str(out), "--features", str(features)
    )

    assert result.returncode == 0, result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    assert schema_errors(written) == []
    expected = lamps()  # the whole file as it was, with the values added and nothing else
    _features(expected, 1)[0]["EtimValueCode"] = "EV000002"  # LW-2: E14
    _features(expected, 1)[1]["EtimValueNumeric"] = "5"
    _features(expected, 1)[3]["EtimValueRangeLower"] = "220"  # LW-2: 220-240 V
    _features(expected, 1)[3]["EtimValueRangeUpper"] = "240"
    for classification in (0, 1):  # LW-3, in both releases: GU10, 4,5 W
        _features(expected, 2, classification)[0]["EtimValueCode"] = "EV000003"
        _features(expected, 2, classification)[1]["EtimValueNumeric"] = "4.5"
    _features(expected, 4)[0]["EtimValueCode"] = "EV000001"  # LW-5: E27
    assert written == expected
    assert "to review: product LW-2: EF000009 = True (confidence 0.30)" in result.stdout
    assert "to review: product LW-6: EF000007 = 'E27' (confidence 0.30)" in result.stdout
    assert "written to" in result.stderr and "6 values of 3 products" in result.stderr
    assert "1 without text in en-GB" in result.stderr  # LW-4 has German text only
    container = _container(database_url)
    try:
        assert container.review_queue.pending_count(DEFAULT_TENANT) == 2
    finally:
        container.close()


def test_enrich_reads_the_language_asked(
    provisioned: Run, files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "enriched.json"

    result = provisioned(
        "etim", "enrich", str(files[0]), "--out", str(out), "--features", str(files[1]),
        "--language", "de-DE",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    assert _features(written, 3) == [  # LW-4, the one product with German text
        {"EtimFeatureCode": BASE, "EtimValueCode": "EV000001"},
        {"EtimFeatureCode": POWER, "EtimValueNumeric": "9"},
    ]
    assert _features(written, 1) == _features(lamps(), 1)


def test_enrich_before_provision_says_what_to_run(
    cli: Run, files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "enriched.json"

    result = cli("etim", "enrich", str(files[0]), "--out", str(out))

    assert result.returncode == 2
    assert "is a field yet: run `python cli.py etim provision` first" in result.stderr
    assert not out.exists()


def _broken_feature_code(data: dict[str, Any]) -> None:
    _features(data, 2, 1)[0]["EtimFeatureCode"] = "XF000007"


def _logical_as_text(data: dict[str, Any]) -> None:
    _features(data, 0)[2]["EtimValueLogical"] = "yes"


def _no_suppliers(data: dict[str, Any]) -> None:
    del data["Supplier"]


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (
            _broken_feature_code,
            "Supplier[0].Product[2].EtimClassification[1].EtimFeatures[0]: EtimFeatureCode "
            "'XF000007' is no ETIM feature code",
        ),
        (
            _logical_as_text,
            "Supplier[0].Product[0].EtimClassification[0].EtimFeatures[2]: EF000009: "
            "EtimValueLogical 'yes' is not true or false",
        ),
        (_no_suppliers, "lamps.json: Supplier is missing"),
    ],
)
@pytest.mark.parametrize("command", ["provision", "enrich"])
def test_a_malformed_file_is_refused_naming_the_file_and_the_record(
    cli: Run,
    tmp_path: Path,
    command: str,
    break_it: Callable[[dict[str, Any]], None],
    message: str,
) -> None:
    data = lamps()
    break_it(data)
    catalogue = write_json(tmp_path / "lamps.json", data)
    out = tmp_path / "enriched.json"
    extra = ("--out", str(out)) if command == "enrich" else ()

    result = cli("etim", command, str(catalogue), *extra)

    assert result.returncode == 3, result.stderr
    assert f"error: {catalogue}" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert _fields(cli) == {}


def test_a_file_that_is_not_json_is_refused_with_its_line(cli: Run, tmp_path: Path) -> None:
    catalogue = tmp_path / "lamps.json"
    catalogue.write_text(json.dumps(lamps(), indent=2)[:-40], encoding="utf-8")

    result = cli("etim", "provision", str(catalogue))

    assert result.returncode == 3
    assert f"error: {catalogue}, line " in result.stderr and "not JSON" in result.stderr


def test_a_malformed_features_file_is_refused_naming_the_feature(
    cli: Run, files: tuple[Path, Path], tmp_path: Path
) -> None:
    features = copy.deepcopy(FEATURES)
    features[POWER]["type"] = "X"
    path = write_json(tmp_path / "bad-features.json", features)

    result = cli("etim", "provision", str(files[0]), "--features", str(path))

    assert result.returncode == 3
    assert f"error: {path}, feature {POWER}: type 'X' is not A, N, L or R" in result.stderr
    assert _fields(cli) == {}
