"""Reads provisioning files: the project's own format and the prototype's, told apart per record.

Fields: `{"code", "label", "type", "options", "unit", "description", "extract"?, "multiple"?}`
(`extract`: false for a text field whose value is not a span of the text; `multiple`: true for a
select or a text holding several values), or the prototype's `{"name", "label", "type",
"multiple", "options"}`. A type is a kind's name (number, select, boolean, text, range) or an
ETIM feature type (A, N, L, R: see `ETIM_TYPES`). Examples: `{"field", "context", "value"}`, or
the prototype's `{"field_name", "field_value", "Titre", "Description", "LIBL_LIBELLE",
"Argumentaire Produit"}`. Any defect raises DataFileError naming the file and the record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from src.adapters.driven.files.json_list import json_list_records
from src.domain.catalogue.limits import example_defect, field_defect
from src.domain.catalogue.provisioning import ExampleRecord
from src.domain.errors import DataFileError
from src.domain.model import Field, FieldType
from src.domain.model.kinds import ETIM_TYPES, KINDS, kind_of

PROTOTYPE_TEXT_COLUMNS = ("Titre", "Description", "LIBL_LIBELLE", "Argumentaire Produit")
_UNIT_IN_LABEL = re.compile(r"\(([^()]{1,12})\)\s*$")
_PROTOTYPE_BOOLEAN_OPTIONS = {"oui", "non"}


def read_fields(path: Path) -> list[Field]:
    records = json_list_records(path)
    fields = [_field(record, path, f"record {number}") for number, record in enumerate(records, 1)]
    seen: dict[str, int] = {}
    for number, field in enumerate(fields, 1):
        if field.code in seen:
            raise DataFileError(
                str(path),
                f"record {number}",
                f"field {field.code} repeats record {seen[field.code]}",
            )
        seen[field.code] = number
    return fields


def read_examples(path: Path) -> list[ExampleRecord]:
    return list(stream_examples(path))


def stream_examples(path: Path) -> Iterator[ExampleRecord]:
    """The examples of the file as they are read: a defect raises DataFileError when its record
    is reached (provisioning then rolls back what it wrote)."""
    records = json_list_records(path)
    return (_example(record, path, f"record {n}") for n, record in enumerate(records, 1))


def prototype_context(record: Mapping[str, Any]) -> str:
    """The product text of a prototype row: its text columns, without blanks, dashes or repeats."""
    parts: list[str] = []
    for column in PROTOTYPE_TEXT_COLUMNS:
        text = record.get(column)
        if isinstance(text, str) and text.strip() not in ("", "-") and text.strip() not in parts:
            parts.append(text.strip())
    return "\n".join(parts)


def _field(record: Mapping[str, Any], path: Path, where: str) -> Field:
    prototype = "name" in record and "code" not in record
    code = _text(record, "name" if prototype else "code", path, where)
    where = f"{where} ({code})"
    label = _text(record, "label", path, where)
    type_name = _text(record, "type", path, where)
    field_type = _field_type(type_name, path, where)
    multiple = record.get("multiple", False)
    if not isinstance(multiple, bool):
        raise DataFileError(str(path), where, "multiple must be true or false")
    if multiple and not KINDS[field_type].several:
        several = ", ".join(t.value for t, kind in KINDS.items() if kind.several)
        raise DataFileError(
            str(path), where, f"a {field_type} field holds one value; multiple is for {several}"
        )
    options = record.get("options") or []
    if not isinstance(options, list) or not all(isinstance(o, str) and o.strip() for o in options):
        raise DataFileError(str(path), where, "options must be a list of non-empty strings")
    if (
        field_type is FieldType.BOOLEAN
        and {o.casefold() for o in options} <= _PROTOTYPE_BOOLEAN_OPTIONS
    ):
        options = []
    options = list(
        dict.fromkeys(option.strip() for option in options)
    )  # the prototype repeats some
    unit = record.get("unit")
    if prototype and unit is None and KINDS[field_type].measured:
        match = _UNIT_IN_LABEL.search(label)
        unit = match.group(1).strip() if match else None
    description = record.get("description")
    for name, value in (("unit", unit), ("description", description)):
        if value is not None and not isinstance(value, str):
            raise DataFileError(str(path), where, f"{name} must be a string or null")
    extract = record.get("extract", True)
    if not isinstance(extract, bool):
        raise DataFileError(str(path), where, "extract must be true or false")
    field = Field(
        code, label.strip(), field_type, tuple(options), unit, description, extract, multiple
    )
    if defect := kind_of(field).provisioning_defect(field) or field_defect(field):
        raise DataFileError(str(path), where, defect)
    return field


def _field_type(name: str, path: Path, where: str) -> FieldType:
    """The type a record names: a kind's name, or an ETIM feature type."""
    if name in ETIM_TYPES:
        return ETIM_TYPES[name]
    try:
        return FieldType(name)
    except ValueError:
        allowed = ", ".join([*(t.value for t in FieldType), *ETIM_TYPES])
        raise DataFileError(str(path), where, f"type {name!r} is not one of {allowed}") from None


def _example(record: Mapping[str, Any], path: Path, where: str) -> ExampleRecord:
    if "field_name" in record and "field" not in record:
        code = _text(record, "field_name", path, where)
        context = prototype_context(record)
        if not context:
            raise DataFileError(
                str(path),
                f"{where} ({code})",
                "no product text in " + ", ".join(PROTOTYPE_TEXT_COLUMNS),
            )
        value = record.get("field_value")
    else:
        code = _text(record, "field", path, where)
        context = _text(record, "context", path, f"{where} ({code})")
        if "value" not in record:
            raise DataFileError(
                str(path),
                f"{where} ({code})",
                "missing key 'value' (null when the text does not say)",
            )
        value = record["value"]
    if defect := example_defect(code, context, value):
        raise DataFileError(str(path), f"{where} ({code})", defect)
    return ExampleRecord(code, context, value, str(path), f"{where} ({code})")


def _text(record: Mapping[str, Any], key: str, path: Path, where: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(str(path), where, f"missing or empty {key!r}")
    return value.strip()
