"""CSV benchmarks, as evaluation sets are kept in spreadsheets: a `description` column and one
column per field code (an `id` or `sku` column is ignored), comma, semicolon or tab separated.

A cell holds the accepted value, or several separated by `|` (any is right); an empty cell says
the text does not give the field (null in JSON Lines). A cell starting with `[` or `{` holds JSON
values, the accepted ones separated by `|` outside them: a list of a field with several values
(`["CE", "RoHS"]`, or `["CE", "RoHS"] | ["CE"]`), a range (`{"min": 100, "max": 240}`); a
`|` inside a JSON string is part of the value, so a list and the alternatives never collide.
A malformed row raises DataFileError naming the file and the line it starts on.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from src.adapters.driven.files.product_files import csv_delimiter
from src.adapters.driven.files.product_rows import ID_COLUMNS
from src.domain.errors import DataFileError
from src.domain.evaluation.benchmark import Accepted, BenchmarkRow
from src.domain.model import Value

ALTERNATIVES = "|"


def read_csv_benchmark(path: Path) -> list[BenchmarkRow]:
    with path.open(encoding="utf-8-sig", newline="") as text:
        delimiter = csv_delimiter(text.readline())
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        header = next(reader, None)
        codes = _field_columns(header, path)
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(_row(header or [], codes, cells, path, line))
            line = reader.line_num + 1
    if not rows:
        raise DataFileError(str(path), None, "the benchmark holds no row")
    return rows


def _field_columns(header: list[str] | None, path: Path) -> dict[int, str]:
    """The field code of each column that holds one, by position."""
    columns = [column.strip() for column in header or []]
    if "description" not in columns:
        raise DataFileError(str(path), "line 1", "no 'description' column")
    codes = {i: c for i, c in enumerate(columns) if c != "description" and c not in ID_COLUMNS}
    if not codes:
        raise DataFileError(str(path), "line 1", "no field code column beside 'description'")
    for index, code in codes.items():
        if not code:
            raise DataFileError(str(path), "line 1", f"column {index + 1} has no field code")
        if columns.count(code) > 1:
            raise DataFileError(str(path), "line 1", f"the column {code} repeats")
    return codes


def _row(
    header: list[str], codes: dict[int, str], cells: list[str], path: Path, line: int
) -> BenchmarkRow:
    where = f"line {line}"
    if len(cells) != len(header):
        raise DataFileError(str(path), where, f"{len(cells)} cells under {len(header)} columns")
    description = cells[[column.strip() for column in header].index("description")].strip()
    if not description:
        raise DataFileError(str(path), where, "empty 'description'")
    return BenchmarkRow(
        description, {code: _accepted(cells[index], path, where) for index, code in codes.items()}
    )


def _accepted(cell: str, path: Path, where: str) -> Accepted:
    if cell.strip().startswith(("[", "{")):
        return _json_values(cell.strip(), path, where)
    values = tuple(
        dict.fromkeys(value.strip() for value in cell.split(ALTERNATIVES) if value.strip())
    )
    return values or None


def _json_values(cell: str, path: Path, where: str) -> Accepted:
    """`[…] | […]`: JSON values separated by `|`."""
    decoder = json.JSONDecoder()
    values: list[Value] = []
    position = 0
    while position < len(cell):
        try:
            value, position = decoder.raw_decode(cell, position)
        except json.JSONDecodeError as error:
            raise DataFileError(str(path), where, f"invalid JSON in a cell: {error.msg}") from None
        values.append(value)
        rest = cell[position:].lstrip()
        if rest and not rest.startswith(ALTERNATIVES):
            raise DataFileError(str(path), where, "JSON values in a cell are separated by |")
        position = len(cell) - len(rest[1:].lstrip()) if rest else len(cell)
    return tuple(values) or None
