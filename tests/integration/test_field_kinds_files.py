"""Ranges and several values in files: a benchmark's CSV cells and JSON Lines read alike, a list
never mistaken for alternatives, and the CSV cell of a value that `coerce` reads back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from src.adapters.driven.files.benchmark_files import read_benchmark, write_benchmark
from src.adapters.driven.files.enrichment_output import open_output
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.errors import DataFileError
from src.domain.evaluation.report import Cost, LLMReport, ScoredPair
from src.domain.model import (
    Field,
    FieldOutcome,
    FieldType,
    LookupResult,
    OutcomeSource,
    OutcomeStatus,
)
from src.domain.model.kinds import value_cell
from src.domain.model.values import coerce

CERTIFICATIONS = Field("EF2", "Certifications", FieldType.SELECT, ("CE", "RoHS"), multiple=True)
VOLTAGE = Field("EF1", "Tension", FieldType.RANGE, unit="V")


def test_json_cells_of_a_csv_benchmark_read_as_its_json_lines(tmp_path: Path) -> None:
    csv_path = tmp_path / "benchmark.csv"
    csv_path.write_text(
        "description;EF1;EF2;EF3\n"
        'Alim 100-240 V CE RoHS;"{""min"": 100, ""max"": 240}";'
        '"[""CE"", ""RoHS""] | [""CE""]";"[""a|b""]"\n',
        encoding="utf-8",
    )
    jsonl_path = tmp_path / "benchmark.jsonl"
    jsonl_path.write_text(
        '{"description": "Alim 100-240 V CE RoHS", "expected": {"EF1": {"min": 100, "max": 240},'
        ' "EF2": [["CE", "RoHS"], ["CE"]], "EF3": [["a|b"]]}}\n',
        encoding="utf-8",
    )

    rows = read_benchmark(csv_path)

    assert rows == read_benchmark(jsonl_path)
    assert rows[0].expected["EF2"] == (["CE", "RoHS"], ["CE"])
    assert rows[0].expected["EF3"] == (["a|b"],)  # a `|` inside a JSON string is the value's


def test_a_written_benchmark_keeps_a_list_value_apart_from_alternatives(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"description": "x", "expected": {"EF2": [["CE", "RoHS"]], "EF4": ["E27", "E14"]}}\n',
        encoding="utf-8",
    )
    written = tmp_path / "out.jsonl"

    write_benchmark(read_benchmark(source), written)

    assert read_benchmark(written) == read_benchmark(source)
    assert '"EF2": [["CE", "RoHS"]]' in written.read_text(encoding="utf-8")


def test_json_cells_that_do_not_parse_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "benchmark.csv"
    path.write_text('description,EF2\nx,"[""CE"" ; x"\n', encoding="utf-8")

    with pytest.raises(DataFileError) as raised:
        read_benchmark(path)

    assert f"{path}, line 2: invalid JSON in a cell" in str(raised.value)


@pytest.mark.parametrize(
    ("field", "value", "cell"),
    [
        (VOLTAGE, {"min": 100, "max": None}, '{"min": 100, "max": null}'),
        (CERTIFICATIONS, ["CE", "RoHS"], '["CE", "RoHS"]'),
    ],
)
def test_a_value_cell_is_read_back_as_the_value(field: Field, value: object, cell: str) -> None:
    assert value_cell(value) == cell  # type: ignore[arg-type]
    assert coerce(field, cell).value == value


def test_an_evaluation_reports_item_precision_and_recall_beside_whole_lists() -> None:
    pairs = tuple(
        ScoredPair(
            n,
            "x",
            CERTIFICATIONS,
            expected,
            predicted,
            OutcomeStatus.OK,
            right,
            None,
            OutcomeSource.MODEL,
        )
        for n, (expected, predicted, right) in enumerate(
            [((["CE", "RoHS"],), ["CE", "RoHS"], True), ((["CE", "RoHS"],), ["CE"], False)]
        )
    )

    summary = LLMReport("mock", "s", 0, pairs, Cost()).summary()

    assert summary["items"] == {
        "right": 3,
        "answered": 3,
        "expected": 4,
        "precision": 1.0,
        "recall": 0.75,
    }
    assert summary["correct"] == 1  # type: ignore[comparison-overlap]


def test_enrich_output_writes_a_range_and_a_list_in_jsonl_and_csv(tmp_path: Path) -> None:
    result = LookupResult(
        "mock",
        (
            FieldOutcome("EF1", {"min": 100, "max": None}, OutcomeStatus.OK),
            FieldOutcome("EF2", ["CE", "RoHS"], OutcomeStatus.OK),
        ),
    )
    for name in ("out.jsonl", "out.csv"):
        with open_output(tmp_path / name, ["EF1", "EF2"]) as output:
            output.write(EnrichedProduct("psu-1", result))

    line = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert line["values"] == {"EF1": {"min": 100, "max": None}, "EF2": ["CE", "RoHS"]}
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as text:
        header, row = list(csv.reader(text))[:2]
    cells = dict(zip(header, row, strict=True))
    assert coerce(VOLTAGE, cells["EF1"]).value == {"min": 100, "max": None}
    assert coerce(CERTIFICATIONS, cells["EF2"]).value == ["CE", "RoHS"]
