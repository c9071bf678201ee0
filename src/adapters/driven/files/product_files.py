"""Reads the products of a catalogue to enrich: JSON Lines or CSV, told apart by the file's
extension.

A product is one JSON object per line, or one CSV row under a header line. It has

- an id: `id`, else `sku`, else its 1-based row number (blank lines not counted);
- its text: `description`, else the prototype's columns Titre, Description, LIBL_LIBELLE and
  "Argumentaire Produit", joined as the prototype joined them;
- optionally its own field codes, `fields` (or the prototype's `fields_to_extract`): a list, or
  codes separated by commas, semicolons or spaces. They replace the command's `--fields`.

The whole file is checked before any work starts: if a row is malformed (not JSON, no text, no
field codes, a repeated id…) a DataFileError names the file, the first bad line and the reason,
and counts the others, so that a run never stops half-way on bad input.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from src.adapters.driven.files.product_rows import BadRow, product_of
from src.adapters.driven.files.provisioning_files import PROTOTYPE_TEXT_COLUMNS
from src.adapters.driven.files.reading import read_errors
from src.domain.enrichment.ports import ProductToEnrich
from src.domain.errors import DataFileError, InvalidRequestError

_NAMED_BAD_LINES = 5


class ProductFileFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


def product_file_format(path: Path) -> ProductFileFormat:
    """The format a file's extension says: .jsonl or .ndjson, or .csv."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return ProductFileFormat.JSONL
    if suffix == ".csv":
        return ProductFileFormat.CSV
    raise InvalidRequestError(f"{path}: the file name must end in .jsonl, .ndjson or .csv")


def read_products(
    path: Path,
    default_fields: Sequence[str],
    check: Callable[[ProductToEnrich], None] | None = None,
) -> list[ProductToEnrich]:
    """Every product of the catalogue at `path`, in file order. Raises DataFileError when the
    file cannot be read or any row is malformed (nothing is returned then); `check` may refuse a
    product too, raising BadRow."""
    products: list[ProductToEnrich] = []
    problems: list[tuple[int, str]] = []
    first_line_of: dict[str, int] = {}
    with read_errors(path):
        for number, (line, record) in enumerate(_records(path), 1):
            try:
                if isinstance(record, BadRow):
                    raise record
                product = product_of(record, number, line, tuple(default_fields))
                if check is not None:
                    check(product)
                if product.key in first_line_of:
                    raise BadRow(f"id {product.key!r} repeats line {first_line_of[product.key]}")
            except BadRow as problem:
                problems.append((line, str(problem)))
                continue
            first_line_of[product.key] = line
            products.append(product)
    if problems:
        raise _malformed(path, problems)
    if not products:
        raise DataFileError(str(path), None, "no products")
    return products


def _records(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | BadRow]]:
    """(line number, record or why it is not one) for each non-blank row."""
    if product_file_format(path) is ProductFileFormat.CSV:
        yield from _csv_records(path)
    else:
        yield from _jsonl_records(path)


def _jsonl_records(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | BadRow]]:
    with path.open(encoding="utf-8-sig") as lines:
        for line_number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line.strip())
            except json.JSONDecodeError as error:
                yield line_number, BadRow(f"invalid JSON at column {error.colno}: {error.msg}")
                continue
            except RecursionError:
                yield line_number, BadRow("JSON nested too deep")
                continue
            except ValueError:  # an integer of more digits than Python converts
                yield line_number, BadRow("invalid JSON: a number too long to read")
                continue
            yield (
                line_number,
                record if isinstance(record, dict) else BadRow("a product must be a JSON object"),
            )


def _csv_records(path: Path) -> Iterator[tuple[int, Mapping[str, Any] | BadRow]]:
    with path.open(encoding="utf-8-sig", newline="") as text:
        header_line = text.readline()
        text.seek(0)
        reader = csv.DictReader(text, delimiter=csv_delimiter(header_line))
        columns = reader.fieldnames or []
        if "description" not in columns and not set(PROTOTYPE_TEXT_COLUMNS) & set(columns):
            raise DataFileError(
                str(path),
                "line 1",
                "no text column: 'description' or " + ", ".join(PROTOTYPE_TEXT_COLUMNS),
            )
        first_line = reader.line_num + 1
        for row in reader:
            if None in row:
                yield (
                    first_line,
                    BadRow(f"{len(columns) + len(row[None])} cells under {len(columns)} columns"),
                )
            else:
                yield (
                    first_line,
                    {column: value for column, value in row.items() if value not in ("", None)},
                )
            first_line = reader.line_num + 1


def csv_delimiter(header_line: str) -> str:
    """The header's most frequent separator among comma, semicolon and tab (French spreadsheets
    save with semicolons)."""
    return max(",;\t", key=header_line.count)


def _malformed(path: Path, problems: list[tuple[int, str]]) -> DataFileError:
    line, reason = problems[0]
    others = [f"line {other}" for other, _ in problems[1:]]
    if others:
        named = ", ".join(others[:_NAMED_BAD_LINES]) + (
            ", …" if len(others) > _NAMED_BAD_LINES else ""
        )
        plural = "s" if len(others) > 1 else ""
        reason += f" (and {len(others)} more malformed row{plural}: {named})"
    return DataFileError(str(path), f"line {line}", reason)
