"""How enriched products are written in each format: a JSON line or a CSV row per product, and
how a file's complete records and the ids they hold are read back when it is resumed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from src.adapters.driven.files.enrichment_trust import (
    TRUST_COLUMNS,
    has_trust_columns,
    trust_cells,
    trust_record,
)
from src.adapters.driven.files.product_files import ProductFileFormat
from src.adapters.driven.files.spreadsheet_cells import original_cell, safe_cell
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.errors import DataFileError
from src.domain.model import OutcomeStatus, Value
from src.domain.model.kinds import value_cell


class RecordFormat(Protocol):
    def complete_prefix(self, data: bytes) -> int:
        """The length of the records in `data` that were written whole."""
        ...

    def read(self, text: str, path: Path) -> tuple[set[str], list[str] | None]:
        """The ids of the records in `text`, and the field columns its header names (CSV)."""
        ...

    def header(self, codes: Sequence[str]) -> bytes: ...

    def encode(self, product: EnrichedProduct, codes: Sequence[str]) -> bytes: ...


def record_format(kind: ProductFileFormat) -> RecordFormat:
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
    return value_cell(value)


def _csv_line(cells: Sequence[str]) -> bytes:
    line = io.StringIO()
    # Every cell quoted: with "\n" ending records, a bare CR in a cell would end one for readers.
    csv.writer(line, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(
        safe_cell(cell) for cell in cells
    )
    return line.getvalue().encode("utf-8")
