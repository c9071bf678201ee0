"""The provisioning use case: load fields and labelled examples into the store, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from src.domain.catalogue.ports import CatalogueStore, FieldRepository, ProvisionReport
from src.domain.errors import DataFileError
from src.domain.model import Example, Field, OutcomeStatus, Value
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
        return self._store.provision(fields, typed_examples(records, known))


_VALUES_REMEMBERED = 4096
"""Values a provisioning remembers typed, all fields together; past that many, the others are
typed each time they come."""
_SCALARS = (str, int, float, bool, type(None))


def typed_examples(
    records: Iterable[ExampleRecord], known: Mapping[str, Field]
) -> Iterator[Example]:
    """Each record's example (`typed_example`), in order; a bad record raises DataFileError when
    it is reached. A string, integer or boolean met before for the same field is not typed
    again: a catalogue's values repeat (a select's options, a few numbers)."""
    typed: dict[tuple[str, type, object], Value] = {}
    for record in records:
        value = record.value
        if type(value) in (str, int, bool):
            key = (record.field_code, type(value), value)
            if key in typed:
                yield Example(record.field_code, record.context, typed[key])
                continue
            example = typed_example(record, known)
            if len(typed) < _VALUES_REMEMBERED and type(example.value) in _SCALARS:
                typed[key] = example.value
            yield example
        else:
            yield typed_example(record, known)


def typed_example(record: ExampleRecord, known: Mapping[str, Field]) -> Example:
    """The record's example, its value typed by its field among `known`."""
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
