"""The provisioning use case: load fields and labelled examples into the store, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from src.domain.catalogue.ports import CatalogueStore, FieldRepository, ProvisionReport
from src.domain.errors import DataFileError
from src.domain.model import Example, Field, OutcomeStatus
from src.domain.model.kinds import kind_of
from src.domain.model.values import coerce


@dataclass(frozen=True, slots=True)
class ExampleRecord:
    """An example as a file gives it, before its value is typed by its field."""

    field_code: str
    context: str
    value: object
    source: str
    """Where it comes from, for error messages: the file."""
    record: str
    """Which record of the file: "record 12"."""


class Provisioning:
    """Types every example by its field (from the same load or already stored), then upserts
    fields and examples in one transaction. A bad record raises DataFileError naming the file
    and the record, and nothing is written."""

    def __init__(self, store: CatalogueStore, fields: FieldRepository) -> None:
        self._store = store
        self._fields = fields

    def provision(
        self, fields: Sequence[Field], records: Iterable[ExampleRecord]
    ) -> ProvisionReport:
        """`records` are typed as the store reads them: a file streamed in is never held whole,
        and a bad record rolls back what the transaction wrote before it."""
        known = {field.code: field for field in self._fields.list_all()}
        known.update({field.code: field for field in fields})
        examples = (self._typed(record, known) for record in records)
        return self._store.provision(fields, examples)

    @staticmethod
    def _typed(record: ExampleRecord, known: dict[str, Field]) -> Example:
        field = known.get(record.field_code)
        if field is None:
            raise DataFileError(
                record.source, record.record, f"unknown field code {record.field_code!r}"
            )
        if record.value is None:
            return Example(field.code, record.context, None)
        if isinstance(record.value, (dict, list)) and not kind_of(field).structured:
            raise DataFileError(
                record.source,
                record.record,
                "value must be a number, a string, a boolean or null",
            )
        parsed = coerce(field, record.value)
        if parsed.status is OutcomeStatus.NOT_FOUND:
            return Example(field.code, record.context, None)
        if parsed.status is not OutcomeStatus.OK:
            raise DataFileError(
                record.source,
                record.record,
                f"value {kind_of(field).why_invalid(field, record.value)} for field {field.code}",
            )
        return Example(field.code, record.context, parsed.value)
