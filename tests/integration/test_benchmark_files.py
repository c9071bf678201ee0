"""Benchmark files: JSON Lines read and written back, and the prototype's examples as rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from src.adapters.driven.files.benchmark_files import (
    prototype_benchmark,
    read_benchmark,
    write_benchmark,
)
from src.domain.errors import DataFileError
from tests.conftest import PROTOTYPE_DATA, needs_prototype_data


def test_rows_round_trip_with_accepted_values_and_nulls(tmp_path: Path) -> None:
    path = tmp_path / "bench.jsonl"
    path.write_text(
        '{"description": "Sèche-serviettes 750W + soufflant 1000W", '
        '"expected": {"EF000035": [750, 1750], "EF000007": null}}\n'
        "\n"
        '{"description": "Ampoule E27", "expected": {"EF000042": "E27"}}\n',
        encoding="utf-8",
    )

    rows = read_benchmark(path)
    write_benchmark(rows, tmp_path / "again.jsonl")

    assert [dict(row.expected) for row in rows] == [
        {"EF000035": (750, 1750), "EF000007": None},
        {"EF000042": ("E27",)},
    ]
    assert read_benchmark(tmp_path / "again.jsonl") == rows


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "line 1: invalid JSON"),
        ('{"description": "x", "expected": {}}', "line 1: 'expected' must be an object"),
        (
            '{"description": "x", "expected": {"EF000042": {"v": 1}}}',
            "line 1 (EF000042): a value must be",
        ),
    ],
)
def test_a_malformed_line_names_the_file_and_the_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = tmp_path / "bench.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=re.escape(reason)):
        read_benchmark(path)


@needs_prototype_data
def test_the_prototype_examples_become_one_row_per_labelled_product() -> None:
    labelled = prototype_benchmark(PROTOTYPE_DATA / "examples.json")
    everything = prototype_benchmark(PROTOTYPE_DATA / "examples.json", with_nulls=True)

    assert (len(labelled), sum(len(row.expected) for row in labelled)) == (11, 42)
    assert (len(everything), sum(len(row.expected) for row in everything)) == (17, 155)
    dryer = labelled[0]
    assert dryer.description.startswith("SECHE-LINGE POMPE A CHALEUR 9KG A++\n")
    assert dict(dryer.expected) == {
        "EF005364": ("condensation",),
        "EF005366": ("112",),
        "EF000008": ("598",),
        "EF008752": ("9",),
    }
