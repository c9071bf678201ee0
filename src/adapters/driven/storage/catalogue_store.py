"""Provisioning in the database: fields and examples upserted, and the catalogue version raised,
in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from typing import Any

from peewee import SQL, Database, SqliteDatabase
from peewee import (  # type: ignore[attr-defined]  # peewee's public wrapper, not in its stubs
    __exception_wrapper__ as driver_errors_as_peewee_errors,
)

from src.adapters.driven.storage.example_postings import PostingsWriter
from src.adapters.driven.storage.postgres_copy import copy_into_temporary
from src.adapters.driven.storage.repositories import PeeweeRepository, context_hash
from src.adapters.driven.storage.tables import (
    CatalogueVersionRow,
    FieldRow,
    LookupCacheRow,
)
from src.domain.catalogue.ports import ProvisionReport
from src.domain.model import Example, Field

_ABSENT = object()
_EXAMPLES_A_BATCH = 5000
"""Examples read, typed and written at a time: what provisioning holds in memory."""
_KEYS_A_READ = 500
"""Within SQLite's oldest limit of 999 parameters a statement."""
_STORED_VALUES = (
    "SELECT context_hash, value FROM example WHERE field_code = {p} AND context_hash IN ({digests})"
)
_UPSERT_EXAMPLES = (
    "INSERT INTO example (field_code, context, context_hash, value) VALUES {values} "
    "ON CONFLICT (field_code, context_hash) DO UPDATE SET value = EXCLUDED.value"
)
_PROVISIONED_COLUMNS = (
    ("n", "integer"),
    ("field_code", "text"),
    ("context", "text"),
    ("context_hash", "text"),
    ("value", "text"),
)
_UPSERT_PROVISIONED = (
    "INSERT INTO example (field_code, context, context_hash, value) "
    "SELECT field_code, context, context_hash, value FROM provisioned_example ORDER BY n "
    "ON CONFLICT (field_code, context_hash) DO UPDATE SET value = EXCLUDED.value"
)
"""A batch copied into PostgreSQL, written in its order (the ids follow the file's)."""
_LAST_ID = "SELECT COALESCE(MAX(id), 0) FROM example"
_INSERTED_SINCE = "SELECT id, field_code, context FROM example WHERE id > ?"
"""The rows a batch inserted on SQLite, whose one writer takes the ids after the last."""
_INSERTED = " RETURNING id, field_code, context_hash, xmax = 0"
"""The rows a batch wrote on PostgreSQL, and which it inserted (an updated row has an xmax)."""


class PeeweeCatalogueStore(PeeweeRepository):
    """Upserts fields and examples and raises the catalogue version in one transaction, then
    calls `on_change`. The examples are read and written a batch at a time within it: a large
    file is never held whole. The examples it inserts are added to the word index. An example
    given twice in one batch counts once; in two batches, the second counts as an update."""

    def __init__(self, database: Database, on_change: Callable[[], None] | None = None) -> None:
        super().__init__(database)
        self._on_change = on_change

    def provision(self, fields: Sequence[Field], examples: Iterable[Example]) -> ProvisionReport:
        def work() -> ProvisionReport:
            with _writing(self._database):
                report = self._upsert(fields, examples)
                raise_catalogue_version(self._database)
                return report

        report = self._run(work)
        if self._on_change is not None:
            self._on_change()
        return report

    def _upsert(self, fields: Sequence[Field], examples: Iterable[Example]) -> ProvisionReport:
        unique_fields = list({field.code: field for field in fields}.values())
        codes = [field.code for field in unique_fields]
        existing_fields = (
            {
                row.code
                for row in FieldRow.select(FieldRow.code)
                .where(FieldRow.code.in_(codes))
                .execute(self._database)
            }
            if codes
            else set()
        )
        for batch in _batches([_field_row(field) for field in unique_fields]):
            FieldRow.insert_many(batch).on_conflict(
                conflict_target=[FieldRow.code],
                update={
                    column: SQL(f"EXCLUDED.{column}")
                    for column in (
                        "label",
                        "type",
                        "options",
                        "unit",
                        "description",
                        "extract",
                        "multiple",
                    )
                },
            ).execute(self._database)

        report = ProvisionReport(
            fields_created=len(unique_fields) - len(existing_fields),
            fields_updated=len(existing_fields),
            examples_created=0,
            examples_updated=0,
        )
        changed: set[str] = set()
        held: dict[str, bool] = {}
        postings = PostingsWriter(self._database)
        for written in _batches_of(examples, _EXAMPLES_A_BATCH):
            report = self._upsert_examples(written, report, changed, held, postings)
        with driver_errors_as_peewee_errors:
            postings.flush()
        raise_revisions(self._database, changed)
        return report

    def _upsert_examples(
        self,
        batch: list[Example],
        report: ProvisionReport,
        changed: set[str],
        held: dict[str, bool],
        postings: PostingsWriter,
    ) -> ProvisionReport:
        """Writes one batch; `changed` gathers the fields whose examples changed, `held` tells
        the fields met so far whether they held examples before this provisioning."""
        rows = list({(r["field"], r["context_hash"]): r for r in map(_example_row, batch)}.values())
        for code in {str(row["field"]) for row in rows} - held.keys():
            held[code] = self._holds_examples(code)
        # A field that held none changes with any row: its rows are new or rewrite this
        # provisioning's own. Another's stored values tell whether its rows change it.
        stored = self._stored_values([row for row in rows if held[str(row["field"])]])
        moved = {
            str(row["field"])
            for row in rows
            if not held[str(row["field"])]
            or stored.get((str(row["field"]), str(row["context_hash"])), _ABSENT) != row["value"]
        }
        if moved and not changed:  # the first batch that changes anything
            # New or changed examples change the few-shot prompts: answers given before are stale.
            LookupCacheRow.delete().execute(self._database)
        changed |= moved
        inserted = self._write(rows, postings)
        return replace(
            report,
            examples_created=report.examples_created + inserted,
            examples_updated=report.examples_updated + len(rows) - inserted,
        )

    def _holds_examples(self, code: str) -> bool:
        sql = f"SELECT 1 FROM example WHERE field_code = {self._database.param} LIMIT 1"
        return self._database.execute_sql(sql, [code]).fetchone() is not None

    def _stored_values(self, rows: list[dict[str, object]]) -> dict[tuple[str, str], str | None]:
        """The stored value of each of these rows' examples that exists already."""
        hashes: dict[str, list[str]] = {}
        for row in rows:
            hashes.setdefault(str(row["field"]), []).append(str(row["context_hash"]))
        stored: dict[tuple[str, str], str | None] = {}
        for field, digests in hashes.items():
            for start in range(0, len(digests), _KEYS_A_READ):
                part = digests[start : start + _KEYS_A_READ]
                sql = _STORED_VALUES.format(
                    p=self._database.param, digests=", ".join([self._database.param] * len(part))
                )
                found = self._database.execute_sql(sql, [field, *part])
                stored.update(((field, digest), value) for digest, value in found)
        return stored

    def _write(self, rows: list[dict[str, object]], postings: PostingsWriter) -> int:
        """Inserts or updates the rows, adds those it inserted to the word index, and tells how
        many it inserted: through the driver's own batch call on SQLite and a `COPY` on
        PostgreSQL, as building the statements through the ORM cost more than running them."""
        values = [(r["field"], r["context"], r["context_hash"], r["value"]) for r in rows]
        cursor = self._database.cursor()
        with driver_errors_as_peewee_errors:
            if isinstance(self._database, SqliteDatabase):
                last = cursor.execute(_LAST_ID).fetchone()[0]
                cursor.executemany(_UPSERT_EXAMPLES.format(values="(?, ?, ?, ?)"), values)
                if cursor.execute(_LAST_ID).fetchone()[0] - last == len(rows):
                    # Every row inserted, each taking the id after the last: read none back.
                    inserted = [
                        (last + n, str(r["field"]), str(r["context"]))
                        for n, r in enumerate(rows, 1)
                    ]
                else:
                    inserted = cursor.execute(_INSERTED_SINCE, [last]).fetchall()
            else:
                copy_into_temporary(
                    cursor,
                    "provisioned_example",
                    _PROVISIONED_COLUMNS,
                    ((n, *row) for n, row in enumerate(values)),
                    nullable="value",
                )
                cursor.execute(_UPSERT_PROVISIONED + _INSERTED)
                texts = {(r["field"], r["context_hash"]): str(r["context"]) for r in rows}
                inserted = [
                    (id_, code, texts[code, digest])
                    for id_, code, digest, new in cursor.fetchall()
                    if new
                ]
            postings.add(inserted)
        return len(inserted)


def _writing(database: Database) -> Any:
    """A transaction that writes from its start: on SQLite it takes the write lock at once
    (`BEGIN IMMEDIATE`), so that a second provisioning waits for the first (`busy_timeout`)
    rather than failing when its read snapshot turns stale."""
    if isinstance(database, SqliteDatabase):
        return database.atomic(lock_type="IMMEDIATE")
    return database.atomic()


def _batches_of(examples: Iterable[Example], size: int) -> Iterator[list[Example]]:
    iterator = iter(examples)
    while batch := list(islice(iterator, size)):
        yield batch


def _batches(rows: list[dict[str, object]], size: int = 200) -> Iterator[list[dict[str, object]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _field_row(field: Field) -> dict[str, object]:
    return {
        "code": field.code,
        "label": field.label,
        "type": field.type.value,
        "options": json.dumps(list(field.options), ensure_ascii=False),
        "unit": field.unit,
        "description": field.description,
        "extract": field.extract,
        "multiple": field.multiple,
    }


def _example_row(example: Example) -> dict[str, object]:
    return {
        "field": example.field_code,
        "context": example.context,
        "context_hash": context_hash(example.context),
        "value": None if example.value is None else json.dumps(example.value, ensure_ascii=False),
    }


def raise_catalogue_version(database: Database) -> None:
    """Within the transaction that changes the catalogue: processes that hold it read it again."""
    CatalogueVersionRow.update(version=CatalogueVersionRow.version + 1).where(
        CatalogueVersionRow.id == 1
    ).execute(database)


def raise_revisions(database: Database, field_codes: Collection[str]) -> None:
    """Within the transaction that changes these fields' examples: their cached answers are no
    longer served, and a process holding the catalogue reads their examples again."""
    codes = list(field_codes)
    for start in range(0, len(codes), 500):
        FieldRow.update(revision=FieldRow.revision + 1).where(
            FieldRow.code.in_(codes[start : start + 500])
        ).execute(database)
