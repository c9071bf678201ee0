"""The field kinds, one module each, and the registry from a field's `type` to its kind.

Adding a kind: its module here (a `FieldKind` subclass), its line in `KINDS`, its `FieldType`
member, and its widget in the review page's script (`review.js`, `WIDGETS`).
"""

from __future__ import annotations

from src.domain.model import Field, FieldType
from src.domain.model.kinds.boolean import BooleanKind
from src.domain.model.kinds.kind import FieldKind, PrepassRules, TextReader, value_cell
from src.domain.model.kinds.number import NumberKind
from src.domain.model.kinds.range import RangeKind
from src.domain.model.kinds.select import SelectKind
from src.domain.model.kinds.several import MAX_ITEMS, SeveralKind
from src.domain.model.kinds.text import TextKind

KINDS: dict[FieldType, FieldKind] = {
    FieldType.NUMBER: NumberKind(),
    FieldType.SELECT: SelectKind(),
    FieldType.BOOLEAN: BooleanKind(),
    FieldType.TEXT: TextKind(),
    FieldType.RANGE: RangeKind(),
}
ETIM_TYPES: dict[str, FieldType] = {
    "A": FieldType.SELECT,
    "N": FieldType.NUMBER,
    "L": FieldType.BOOLEAN,
    "R": FieldType.RANGE,
}
"""ETIM's feature types: alphanumeric (one value of a list), numeric, logical, range."""

_SEVERAL: dict[FieldType, FieldKind] = {
    field_type: SeveralKind(kind) for field_type, kind in KINDS.items() if kind.several
}


def kind_of(field: Field) -> FieldKind:
    """The kind of `field`'s values: its type's, or a list of them when it holds several."""
    if field.multiple and field.type in _SEVERAL:
        return _SEVERAL[field.type]
    return KINDS[field.type]


__all__ = [
    "ETIM_TYPES",
    "KINDS",
    "MAX_ITEMS",
    "FieldKind",
    "PrepassRules",
    "SeveralKind",
    "TextReader",
    "kind_of",
    "value_cell",
]
