"""Benchmark files: JSON Lines of
`{"description": "...", "expected": {code: value | [values] | null}}` or CSV (`benchmark_csv`),
and the prototype's labelled examples turned into such rows (one per product).

A list in `expected` holds the accepted values (any is right); null says the text does not give
the field. A range is an object `{"min", "max"}`; a list value (a field with several values) is
always written inside the list of accepted values, `[["CE", "RoHS"]]`, so that it is never read
as alternatives. A malformed line raises DataFileError naming the file and the line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from src.adapters.driven.files.benchmark_csv import read_csv_benchmark
from src.adapters.driven.files.product_files import ProductFileFormat, product_file_format
from src.adapters.driven.files.provisioning_files import prototype_context
from src.adapters.driven.files.reading import read_errors
from src.domain.errors import DataFileError
from src.domain.evaluation.benchmark import Accepted, BenchmarkRow
from src.domain.model import Value


def read_benchmark(path: Path) -> list[BenchmarkRow]:
    """The rows of a JSON Lines (`.jsonl`, `.ndjson`) or CSV (`.csv`, see `benchmark_csv`)
    benchmark, told apart by the extension as `enrich` tells catalogues apart."""
    with read_errors(path):
        if product_file_format(path) is ProductFileFormat.CSV:
            return read_csv_benchmark(path)
        lines = path.read_text(encoding="utf-8").splitlines()
    rows = [_row(line, path, number) for number, line in enumerate(lines, 1) if line.strip()]
    if not rows:
        raise DataFileError(str(path), None, "the benchmark holds no row")
    return rows


def write_benchmark(rows: Sequence[BenchmarkRow], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            expected = {code: _as_json(accepted) for code, accepted in row.expected.items()}
            out.write(
                json.dumps(
                    {"description": row.description, "expected": expected}, ensure_ascii=False
                )
                + "\n"
            )


def prototype_benchmark(examples_path: Path, with_nulls: bool = False) -> list[BenchmarkRow]:
    """The prototype's examples.json as benchmark rows, one per product text, in file order.

    Only labelled values by default: the prototype's nulls mean "not labelled" more often than
    "not stated" (its seche-linge says "Classe énergie A++" where the class is null)."""
    try:
        records = json.loads(examples_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(str(examples_path), None, "no such file") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise DataFileError(str(examples_path), None, f"not a JSON file: {error}") from None
    if not isinstance(records, list):
        raise DataFileError(str(examples_path), None, "the file must hold a JSON list of records")
    products: dict[str, dict[str, Accepted]] = {}
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict) or not isinstance(record.get("field_name"), str):
            raise DataFileError(
                str(examples_path), f"record {number}", "not a prototype example (field_name)"
            )
        context = prototype_context(record)
        value = record.get("field_value")
        if not context or (value is None and not with_nulls):
            continue
        products.setdefault(context, {})[record["field_name"]] = None if value is None else (value,)
    return [BenchmarkRow(context, expected) for context, expected in products.items() if expected]


def _row(line: str, path: Path, number: int) -> BenchmarkRow:
    where = f"line {number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise DataFileError(str(path), where, f"invalid JSON: {error.msg}") from None
    if not isinstance(record, dict):
        raise DataFileError(str(path), where, "a row must be a JSON object")
    description = record.get("description")
    if not isinstance(description, str) or not description.strip():
        raise DataFileError(str(path), where, "missing or empty 'description'")
    expected = record.get("expected")
    if not isinstance(expected, dict) or not expected:
        raise DataFileError(
            str(path), where, "'expected' must be an object of field codes to values"
        )
    return BenchmarkRow(
        description.strip(),
        {code: _accepted(value, path, where, code) for code, value in expected.items()},
    )


def _accepted(value: Any, path: Path, where: str, code: str) -> Accepted:
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    if not values or not all(_is_value(v) for v in values):
        raise DataFileError(
            str(path),
            f"{where} ({code})",
            "a value must be a number, a string, a boolean, a range, null or a list of them",
        )
    return tuple(values)


def _is_value(value: object) -> bool:
    if isinstance(value, list):
        return all(isinstance(item, (str, int, float, bool)) for item in value)
    if isinstance(value, dict):
        return set(value) <= {"min", "max"}
    return isinstance(value, (str, int, float, bool))


def _as_json(accepted: Accepted) -> Value | list[Value]:
    if accepted is None:
        return None
    alone = len(accepted) == 1 and not isinstance(accepted[0], list)
    return accepted[0] if alone else list(accepted)
