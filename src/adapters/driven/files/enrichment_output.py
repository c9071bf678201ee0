"""Where enriched products go: one JSON line or one CSV row per product, appended and flushed as
each product finishes, so that a run stopped in any way (Ctrl-C, kill -9) loses at most the
products in flight.

An existing file is resumed: the ids it holds are done, and a torn last line (a write cut short)
is cut off first. A JSON line is `{"id", "values": {code: value}, "status": {code: status},
"llm", "confidence", "evidence", "review"}`. A CSV file has the columns `id`, one per field code,
`review`, `confidence`, `evidence` (see `enrichment_trust.py`), `status` ("ok", or the fields
that are not, as `CODE=status` separated by spaces) and `llm`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Protocol

from src.adapters.driven.files.enrichment_trust import (
    TRUST_COLUMNS,
    has_trust_columns,
    trust_cells,
    trust_record,
)
from src.adapters.driven.files.product_files import ProductFileFormat, product_file_format
from src.adapters.driven.files.spreadsheet_cells import original_cell, safe_cell
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.errors import DataFileError, InvalidRequestError
from src.domain.model import OutcomeStatus, Value


class _Format(Protocol):
    def complete_prefix(self, data: bytes) -> int:
        """The length of the records in `data` that were written whole."""
        ...

    def read(self, text: str, path: Path) -> tuple[set[str], list[str] | None]:
        """The ids of the records in `text`, and the field columns its header names (CSV)."""
        ...

    def header(self, codes: Sequence[str]) -> bytes: ...

    def encode(self, product: EnrichedProduct, codes: Sequence[str]) -> bytes: ...


class EnrichmentOutput:
    """An output file open for appending. `done` holds the ids (as text) it held when opened."""

    def __init__(
        self, path: Path, format_: _Format, codes: list[str], done: set[str], dropped: int
    ) -> None:
        self.path = path
        self.done = frozenset(done)
        self.dropped_bytes = dropped
        """The length of the torn last line cut off when the file was opened."""
        self._format = format_
        self._codes = codes
        self._file = path.open("ab", buffering=0)

    def write(self, product: EnrichedProduct) -> None:
        """Appends one product; it is in the file (if not yet on disk) when this returns."""
        data = memoryview(self._format.encode(product, self._codes))
        while data:  # an unbuffered write may take part of it; the rest follows at once
            written = self._file.write(data) or 0
            data = data[written:]

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> EnrichmentOutput:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_output(path: Path, codes: Sequence[str]) -> EnrichmentOutput:
    """Opens `path` to receive products looked up for `codes`: resumes it if it exists (cutting a
    torn last line off), creates it otherwise."""
    format_ = record_format(product_file_format(path))
    wanted = list(dict.fromkeys(codes))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    except IsADirectoryError:
        raise InvalidRequestError(f"{path} is a directory") from None
    complete = format_.complete_prefix(data)
    if complete < len(data):
        with path.open("r+b") as file:
            file.truncate(complete)
    try:
        done, columns = format_.read(data[:complete].decode("utf-8"), path)
    except UnicodeDecodeError as error:
        raise DataFileError(
            str(path), None, f"not UTF-8 text ({error.reason}): choose another --out"
        ) from None
    if columns is None:
        columns = wanted
        if complete == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(format_.header(columns))
    elif missing := [code for code in wanted if code not in columns]:
        raise InvalidRequestError(
            f"{path} has no column for {', '.join(missing)}: choose another --out to look up other fields"
        )
    return EnrichmentOutput(path, format_, columns, done, len(data) - complete)


def record_format(kind: ProductFileFormat) -> _Format:
    """How products are written in `kind`: its header (CSV), then one record per product."""
    return _Csv() if kind is ProductFileFormat.CSV else _JsonLines()


class _JsonLines:
    def complete_prefix(self, data: bytes) -> int:
        return data.rfind(b"\n") + 1

    def read(self, text: str, path: Path) -> tuple[set[str], list[str] | None]:
        done: set[str] = set()
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            if not isinstance(record, dict) or "id" not in record:
                raise DataFileError(
                    str(path), f"line {number}", "not an enrichment record: choose another --out"
                )
            done.add(str(record["id"]))
        return done, None

    def header(self, codes: Sequence[str]) -> bytes:
        return b""

    def encode(self, product: EnrichedProduct, codes: Sequence[str]) -> bytes:
        record = {
            "id": product.id,
            "values": product.result.values(),
            "status": {o.field_code: o.status.value for o in product.result.outcomes},
            "llm": product.result.llm,
            **trust_record(product.result),
        }
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


class _Csv:
    trust = True
    """Whether rows carry the trust columns (a file begun before they existed goes on without)."""

    def complete_prefix(self, data: bytes) -> int:
        # A record ends at a newline outside quotes, where the quotes before it are even in number
        # ("" inside a quoted cell counts twice). Only the last few newlines need looking at.
        end = len(data)
        while (newline := data.rfind(b"\n", 0, end)) >= 0:
            if data.count(b'"', 0, newline) % 2 == 0:
                return newline + 1
            end = newline
        return 0

    def read(self, text: str, path: Path) -> tuple[set[str], list[str] | None]:
        rows = csv.reader(io.StringIO(text, newline=""))
        header = next(rows, None)
        if header is None:
            return set(), None
        if len(header) < 3 or header[0] != "id" or header[-2:] != ["status", "llm"]:
            raise DataFileError(
                str(path),
                "line 1",
                "not an enrichment header (id, codes…, status, llm): choose another --out",
            )
        done = set()
        for row in rows:
            if len(row) != len(header):
                raise DataFileError(
                    str(path),
                    f"line {rows.line_num}",
                    f"{len(row)} cells under {len(header)} columns",
                )
            done.add(original_cell(row[0]))
        self.trust = has_trust_columns(header)
        return done, [original_cell(code) for code in header[1 : -5 if self.trust else -2]]

    def header(self, codes: Sequence[str]) -> bytes:
        return _csv_line(["id", *codes, *TRUST_COLUMNS, "status", "llm"])

    def encode(self, product: EnrichedProduct, codes: Sequence[str]) -> bytes:
        values = product.result.values()
        not_ok = [
            f"{o.field_code}={o.status.value}"
            for o in product.result.outcomes
            if o.status is not OutcomeStatus.OK
        ]
        trust = trust_cells(product.result) if self.trust else []
        cells = [
            str(product.id),
            *(_cell(values.get(code)) for code in codes),
            *trust,
            " ".join(not_ok) or "ok",
            product.result.llm,
        ]
        return _csv_line(cells)


def _cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_line(cells: Sequence[str]) -> bytes:
    line = io.StringIO()
    # Every cell quoted: with "\n" ending records, a bare CR in a cell would end one for readers.
    csv.writer(line, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(
        safe_cell(cell) for cell in cells
    )
    return line.getvalue().encode("utf-8")
