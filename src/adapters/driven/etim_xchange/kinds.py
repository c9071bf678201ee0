"""The ETIM feature types an xChange file carries values of, each as a field type of the
service: how an entry's value is read (for a labelled example) and how a value is written into an
empty entry. A (alphanumeric) is a select of the feature's values, written as their ETIM value
code; N (numeric) a number in the feature's unit, written as the file's decimal string; L
(logical) a boolean; R (range) a range in the feature's unit, its ends written as decimal
strings in EtimValueRangeLower and EtimValueRangeUpper (an open end has no key: the format
takes each bound alone)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from src.domain.model import Field, FieldType, Value
from src.domain.model.values import parse_number

VALUE_CODE = "EtimValueCode"
NUMERIC = "EtimValueNumeric"
LOGICAL = "EtimValueLogical"
RANGE_LOWER = "EtimValueRangeLower"
RANGE_UPPER = "EtimValueRangeUpper"
VALUE_KEYS = (VALUE_CODE, NUMERIC, LOGICAL, RANGE_LOWER, RANGE_UPPER)
"""The keys of a feature entry that hold its value."""

DECIMAL = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,4})?$")
"""A numeric value as the file writes it: a string of at most 12 digits and 4 decimals."""


@dataclass(frozen=True, slots=True)
class FeatureDefinition:
    """What the ETIM model says of a feature, as the user gives it (or as the file shows it)."""

    code: str
    kind: str
    """The ETIM feature type: A, N, L or R."""
    label: str
    unit: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    """An A feature's value labels by ETIM value code (EV…)."""
    description: str | None = None

    def value_code(self, label: str) -> str | None:
        """The EV code of a value label; a label that is itself an EV code stands for itself."""
        for code, value_label in self.values.items():
            if value_label == label:
                return code
        return label if re.fullmatch(r"EV[0-9]{6}", label) else None


class FeatureKind(Protocol):
    """One ETIM feature type as a field type of the service."""

    field_type: FieldType

    def field(self, feature: FeatureDefinition) -> Field:
        """The field a feature of this type is."""
        ...

    def read(self, entry: Mapping[str, Any], feature: FeatureDefinition) -> object:
        """The entry's value as its field takes it, or None when it holds none (or one the
        feature does not know)."""
        ...

    def written(self, value: Value, feature: FeatureDefinition) -> dict[str, Any] | None:
        """The entry's keys holding `value`, or None when the file cannot hold it."""
        ...


class Alphanumeric:
    field_type = FieldType.SELECT

    def field(self, feature: FeatureDefinition) -> Field:
        options = tuple(dict.fromkeys(feature.values.values()))
        return _field(feature, self.field_type, options=options)

    def read(self, entry: Mapping[str, Any], feature: FeatureDefinition) -> object:
        code = entry.get(VALUE_CODE)
        return None if code is None else feature.values.get(str(code))

    def written(self, value: Value, feature: FeatureDefinition) -> dict[str, Any] | None:
        code = feature.value_code(str(value))
        return None if code is None else {VALUE_CODE: code}


class Numeric:
    field_type = FieldType.NUMBER

    def field(self, feature: FeatureDefinition) -> Field:
        return _field(feature, self.field_type, unit=feature.unit)

    def read(self, entry: Mapping[str, Any], feature: FeatureDefinition) -> object:
        return entry.get(NUMERIC)

    def written(self, value: Value, feature: FeatureDefinition) -> dict[str, Any] | None:
        text = _decimal(value)
        return None if text is None else {NUMERIC: text}


class Logical:
    field_type = FieldType.BOOLEAN

    def field(self, feature: FeatureDefinition) -> Field:
        return _field(feature, self.field_type)

    def read(self, entry: Mapping[str, Any], feature: FeatureDefinition) -> object:
        return entry.get(LOGICAL)

    def written(self, value: Value, feature: FeatureDefinition) -> dict[str, Any] | None:
        return {LOGICAL: value} if isinstance(value, bool) else None


class Range:
    field_type = FieldType.RANGE

    def field(self, feature: FeatureDefinition) -> Field:
        return _field(feature, self.field_type, unit=feature.unit)

    def read(self, entry: Mapping[str, Any], feature: FeatureDefinition) -> object:
        ends = [entry.get(RANGE_LOWER), entry.get(RANGE_UPPER)]
        if ends == [None, None]:
            return None
        numbers = [None if end is None else parse_number(str(end)) for end in ends]
        return {"min": numbers[0], "max": numbers[1]}

    def written(self, value: Value, feature: FeatureDefinition) -> dict[str, Any] | None:
        if not isinstance(value, Mapping):
            return None
        keys: dict[str, Any] = {}
        for end, key in ((value.get("min"), RANGE_LOWER), (value.get("max"), RANGE_UPPER)):
            if end is None:
                continue
            text = _decimal(end)
            if text is None:
                return None
            keys[key] = text
        return keys or None


KINDS: dict[str, FeatureKind] = {
    "A": Alphanumeric(),
    "N": Numeric(),
    "L": Logical(),
    "R": Range(),
}


def kind_of_entry(entry: Mapping[str, Any]) -> str | None:
    """The feature type an entry's value shows, or None when it holds no value."""
    if entry.get(VALUE_CODE) is not None:
        return "A"
    if entry.get(NUMERIC) is not None:
        return "N"
    if entry.get(LOGICAL) is not None:
        return "L"
    if entry.get(RANGE_LOWER) is not None or entry.get(RANGE_UPPER) is not None:
        return "R"
    return None


def _decimal(value: object) -> str | None:
    """A number as the file writes it ("4.5"), or None when it is none or too long."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    text = str(value) if isinstance(value, int) else f"{value:.4f}".rstrip("0").rstrip(".")
    return text if DECIMAL.match(text) else None


def _field(
    feature: FeatureDefinition,
    field_type: FieldType,
    options: tuple[str, ...] = (),
    unit: str | None = None,
) -> Field:
    return Field(
        code=feature.code,
        label=feature.label,
        type=field_type,
        options=options,
        unit=unit,
        description=feature.description,
    )
