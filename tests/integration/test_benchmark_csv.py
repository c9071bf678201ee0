"""CSV benchmarks, as spreadsheets save them: a description column, a column per field code,
`|` between accepted values, an empty cell for "the text does not give it"; the same rows as
the JSON Lines they stand for, and errors that name the file and the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from src.adapters.driven.files.benchmark_files import read_benchmark
from src.domain.errors import DataFileError, InvalidRequestError
from src.domain.evaluation.benchmark import BenchmarkRow


def test_a_semicolon_csv_from_a_spreadsheet_reads_as_its_json_lines(tmp_path: Path) -> None:
    csv_path = tmp_path / "benchmark.csv"
    csv_path.write_text(
        "\ufeffid;description;EF000035;EF000007;EF000042\n"
        'p1;"Sèche-serviettes 750W\n+ soufflant 1000W";750 | 1750;;\n'
        "\n"
        "p2;Ampoule E27 blanc chaud;;Blanc;E27\n",
        encoding="utf-8",
    )
    jsonl_path = tmp_path / "benchmark.jsonl"
    jsonl_path.write_text(
        '{"description": "Sèche-serviettes 750W\\n+ soufflant 1000W", '
        '"expected": {"EF000035": ["750", "1750"], "EF000007": null, "EF000042": null}}\n'
        '{"description": "Ampoule E27 blanc chaud", '
        '"expected": {"EF000035": null, "EF000007": "Blanc", "EF000042": "E27"}}\n',
        encoding="utf-8",
    )

    assert read_benchmark(csv_path) == [
        BenchmarkRow(
            "Sèche-serviettes 750W\n+ soufflant 1000W",
            {"EF000035": ("750", "1750"), "EF000007": None, "EF000042": None},
        ),
        BenchmarkRow(
            "Ampoule E27 blanc chaud",
            {"EF000035": None, "EF000007": ("Blanc",), "EF000042": ("E27",)},
        ),
    ]
    assert read_benchmark(csv_path) == read_benchmark(jsonl_path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("text,EF000042\nLampe,E27\n", "line 1: no 'description' column"),
        ("id,description\n1,Lampe\n", "line 1: no field code column beside 'description'"),
        ("description,EF000042,EF000042\nLampe,E27,E27\n", "line 1: the column EF000042 repeats"),
        (
            'description,EF000042\nLampe,E27\n"Lampe\nE14",E14\n , E27\n',
            "line 5: empty 'description'",
        ),
        (
            "description,EF000042\nLampe,E27\nLampe E14,E14,extra\n",
            "line 3: 3 cells under 2 columns",
        ),
        ("description,EF000042\n\n", "the benchmark holds no row"),
    ],
)
def test_a_malformed_csv_names_the_file_and_the_line(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "bench.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=f"^{re.escape(str(path))}(, |: ){re.escape(reason)}"):
        read_benchmark(path)


def test_the_format_is_chosen_by_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "bench.txt"
    path.write_text("description,EF000042\nLampe,E27\n", encoding="utf-8")
    with pytest.raises(InvalidRequestError, match=r"must end in \.jsonl, \.ndjson or \.csv"):
        read_benchmark(path)
