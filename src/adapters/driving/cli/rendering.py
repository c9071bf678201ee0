"""Plain-text tables for the terminal."""

from __future__ import annotations

import json
from collections.abc import Sequence

from src.domain.model import Field, LookupResult


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = [header, ["-" * width for width in widths], *rows]
    return "\n".join(
        "  ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=False)).rstrip()
        for line in lines
    )


def outcomes_table(result: LookupResult) -> str:
    rows = [
        [
            o.field_code,
            "null" if o.value is None else json.dumps(o.value, ensure_ascii=False),
            o.status.value,
            "" if o.confidence is None else f"{o.confidence:.2f}",
            {True: "review", False: "ok", None: ""}[o.review],
            f"{o.elapsed_ms:.0f} ms",
        ]
        for o in result.outcomes
    ]
    table = _table(["field", "value", "status", "confidence", "review", "time"], rows)
    return f"{table}\n\nLLM {result.llm}, {result.elapsed_ms:.0f} ms"


def fields_table(fields: Sequence[Field]) -> str:
    rows = [
        [
            f.code,
            f.label,
            f.type.value + (" (multiple)" if f.multiple else ""),
            f.unit or "",
            ", ".join(f.options)[:60],
        ]
        for f in fields
    ]
    return _table(["code", "label", "type", "unit", "options"], rows)
