"""Provisioning in the database: fields and examples upserted, and the catalogue version raised,
in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Sequence

from peewee import SQL, Database

from src.adapters.driven.storage.repositories import PeeweeRepository, context_hash
from src.adapters.driven.storage.tables import (
    CatalogueVersionRow,
    ExampleRow,
    FieldRow,
    LookupCacheRow,
)
from src.domain.catalogue.ports import ProvisionReport
from src.domain.model import Example, Field

_ABSENT = object()


class PeeweeCatalogueStore(PeeweeRepository):
    """Upserts fields and examples and raises the catalogue version in one transaction, then
    calls `on_change`."""

    def __init__(self, database: Database, on_change: Callable[[], None] | None = None) -> None:
        super().__init__(database)
        self._on_change = on_change

    def provision(self, fields: Sequence[Field], examples: Sequence[Example]) -> ProvisionReport:
        def work() -> ProvisionReport:
            with self._database.atomic():
                report = self._upsert(fields, examples)
                raise_catalogue_version(self._database)
                return report

        report = self._run(work)
        if self._on_change is not None:
            self._on_change()
        return report

    def _upsert(self, fields: Sequence[Field], examples: Sequence[Example]) -> ProvisionReport:
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

        rows = list(
            {(e.field_code, context_hash(e.context)): _example_row(e) for e in examples}.values()
        )
        keys = {(row["field"], row["context_hash"]) for row in rows}
        stored: dict[tuple[str, str], str | None] = {}
        if rows:
            touched = {row["field"] for row in rows}
            stored = {
                (field, digest): value
                for field, digest, value in ExampleRow.select(
                    ExampleRow.field, ExampleRow.context_hash, ExampleRow.value
                )
                .where(ExampleRow.field.in_(list(touched)))
                .tuples()
                .execute(self._database)
                if (field, digest) in keys
            }
        existing_examples = len(stored)
        changed = {
            str(row["field"])
            for row in rows
            if stored.get((row["field"], row["context_hash"]), _ABSENT) != row["value"]
        }
        if changed:
            # New or changed examples change the few-shot prompts: answers given before are stale.
            LookupCacheRow.delete().execute(self._database)
        for batch in _batches(rows):
            ExampleRow.insert_many(batch).on_conflict(
                conflict_target=[ExampleRow.field, ExampleRow.context_hash],
                update={
                    ExampleRow.value: SQL("EXCLUDED.value"),
                    ExampleRow.context: SQL("EXCLUDED.context"),
                },
            ).execute(self._database)
        raise_revisions(self._database, changed)
        return ProvisionReport(
            fields_created=len(unique_fields) - len(existing_fields),
            fields_updated=len(existing_fields),
            examples_created=len(rows) - existing_examples,
            examples_updated=existing_examples,
        )


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
