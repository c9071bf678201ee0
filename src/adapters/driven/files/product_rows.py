"""What one row of a catalogue to enrich must hold: an id, a text and field codes (see
`product_files.py` for the columns they come from)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from src.adapters.driven.files.provisioning_files import PROTOTYPE_TEXT_COLUMNS, prototype_context
from src.domain.enrichment.ports import ProductToEnrich

ID_COLUMNS = ("id", "sku")
FIELDS_COLUMNS = ("fields", "fields_to_extract")
_CODE_SEPARATORS = re.compile(r"[,;\s]+")


class BadRow(ValueError):
    """A row that cannot be enriched; the message says why."""


def split_codes(text: str) -> tuple[str, ...]:
    """Field codes from "EF000042, EF000035" or "EF000042 EF000035", without repeats."""
    return tuple(dict.fromkeys(code for code in _CODE_SEPARATORS.split(text) if code))


def product_of(
    record: Mapping[str, Any], number: int, line: int, default_fields: tuple[str, ...]
) -> ProductToEnrich:
    """The product of row `number` (at `line` of the file); raises BadRow saying what is wrong."""
    return ProductToEnrich(
        _id(record, number), _description(record), _fields(record, default_fields), line
    )


def _id(record: Mapping[str, Any], number: int) -> str | int:
    for column in ID_COLUMNS:
        if column in record:
            value = record[column]
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                raise BadRow(f"{column!r} must be a string or an integer")
            if isinstance(value, str) and not value.strip():
                raise BadRow(f"{column!r} is empty")
            return value.strip() if isinstance(value, str) else value
    return number


def _description(record: Mapping[str, Any]) -> str:
    if "description" in record:
        text = record["description"]
        if not isinstance(text, str) or not text.strip():
            raise BadRow("'description' must be a non-empty string")
        return text.strip()
    text = prototype_context(record)
    if not text:
        raise BadRow("no product text: 'description' or " + ", ".join(PROTOTYPE_TEXT_COLUMNS))
    return text


def _fields(record: Mapping[str, Any], default_fields: tuple[str, ...]) -> tuple[str, ...]:
    for column in FIELDS_COLUMNS:
        if column not in record:
            continue
        value = record[column]
        if isinstance(value, str):
            codes = split_codes(value)
        elif isinstance(value, list) and all(isinstance(code, str) for code in value):
            codes = split_codes(" ".join(value))
        else:
            raise BadRow(f"{column!r} must be a list of field codes or a string of them")
        if codes:
            return codes
    if not default_fields:
        raise BadRow("no field codes: give --fields or a 'fields' column")
    return default_fields
