"""Rows sent to PostgreSQL in one `COPY` into a temporary table of the transaction, which one
statement then merges into its table: one round trip and no statement text to build for
thousands of rows, where `execute_values` builds and sends one statement a thousand rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

_NUL_REFUSED = "A string literal cannot contain NUL (0x00) characters."
"""psycopg2's own refusal of a NUL in a parameter, which a `COPY` would refuse otherwise."""


def copy_into_temporary(
    cursor: Any,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[object]],
    nullable: str | None = None,
) -> None:
    """Empties the temporary table `table` (columns: (name, SQL type)), made for the transaction
    on its first use, then copies the rows into it. Every value is sent quoted (a carriage
    return included); in the `nullable` column, None and the empty text are both NULL."""
    names = ", ".join(name for name, _ in columns)
    typed = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({typed}) ON COMMIT DROP")
    cursor.execute(f"TRUNCATE {table}")
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    text = buffer.getvalue()
    if "\x00" in text:
        raise ValueError(_NUL_REFUSED)
    buffer.seek(0)
    null = f", FORCE_NULL ({nullable})" if nullable else ""
    cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv{null})", buffer)
