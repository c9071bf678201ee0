"""Akeneo attributes as the service's fields: which types map to which field type, and, for each
mapped attribute, how its value is read from a product and written back (a select's option
code and label, a multi-select's list of option codes and labels, a metric's amount in its
family's default unit, the channel and locale of a scopable or localizable attribute)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from src.domain.model import Field, FieldType, OutcomeStatus, Value
from src.domain.model.values import coerce

FIELD_TYPE_OF: dict[str, FieldType] = {
    "pim_catalog_simpleselect": FieldType.SELECT,
    "pim_catalog_multiselect": FieldType.SELECT,
    "pim_catalog_number": FieldType.NUMBER,
    "pim_catalog_metric": FieldType.NUMBER,
    "pim_catalog_boolean": FieldType.BOOLEAN,
    "pim_catalog_text": FieldType.TEXT,
    "pim_catalog_textarea": FieldType.TEXT,
}
SELECTS = frozenset({"pim_catalog_simpleselect", "pim_catalog_multiselect"})
"""The types whose values are option codes: the options are read with the attribute."""


@dataclass(frozen=True, slots=True)
class Where:
    """The channel and locale values are read and written in."""

    channel: str
    locale: str


@dataclass(frozen=True, slots=True)
class MappedAttribute:
    """An Akeneo attribute that is a field of the service."""

    code: str
    akeneo_type: str
    field: Field
    localizable: bool
    scopable: bool
    option_codes: Mapping[str, str]
    """A select's (or multi-select's) option code by the label the field offers."""
    unit_code: str | None = None
    """A metric's unit (its family's default), the unit values are read and written in."""

    def entry(self, product: Mapping[str, Any], where: Where) -> Mapping[str, Any] | None:
        """The product's value of this attribute for `where`, as Akeneo gives it."""
        locale = where.locale if self.localizable else None
        scope = where.channel if self.scopable else None
        for value in product.get("values", {}).get(self.code, []):
            if value.get("locale") == locale and value.get("scope") == scope:
                found: Mapping[str, Any] = value
                return found
        return None

    def is_empty(self, product: Mapping[str, Any], where: Where) -> bool:
        entry = self.entry(product, where)
        return entry is None or entry.get("data") in (None, "", [], {})

    def value(self, product: Mapping[str, Any], where: Where) -> Value:
        """The product's value as the field types it; None when empty or not readable (a
        metric in another unit, an option the field does not know)."""
        entry = self.entry(product, where)
        data = None if entry is None else entry.get("data")
        if data is None:
            return None
        if self.field.type is FieldType.SELECT:
            labels = {code: label for label, code in self.option_codes.items()}
            if self.field.multiple:
                if not isinstance(data, list) or any(str(c) not in labels for c in data):
                    return None
                data = [labels[str(code)] for code in data]
            else:
                data = labels.get(str(data))
        elif self.unit_code is not None:
            if not isinstance(data, Mapping) or data.get("unit") != self.unit_code:
                return None
            data = data.get("amount")
        parsed = coerce(self.field, data)
        return parsed.value if parsed.status is OutcomeStatus.OK else None

    def holds(self, product: Mapping[str, Any], where: Where, value: Value) -> bool:
        """Whether the product's value is `value` already (a multi-select's in any order)."""
        current = self.value(product, where)
        if self.field.multiple and isinstance(current, list) and isinstance(value, list):
            return sorted(current) == sorted(value)
        return current == value

    def written(self, value: Value, where: Where) -> dict[str, Any] | None:
        """The product value to PATCH for `value`, or None when it has no Akeneo form (an
        option label Akeneo no longer has). A multi-select's value is the list of its options'
        codes."""
        data: Any = value
        if self.field.type is FieldType.SELECT and self.field.multiple:
            labels = value if isinstance(value, list) else [value]
            data = [self.option_codes.get(str(label)) for label in labels]
            if None in data:
                return None
        elif self.field.type is FieldType.SELECT:
            data = self.option_codes.get(str(value))
            if data is None:
                return None
        elif self.unit_code is not None:
            data = {"amount": _amount(value), "unit": self.unit_code}
        elif self.field.type is FieldType.NUMBER and isinstance(value, float):
            data = _amount(value)
        return {
            "locale": where.locale if self.localizable else None,
            "scope": where.channel if self.scopable else None,
            "data": data,
        }


def _amount(value: Value) -> str | int:
    """An amount as Akeneo takes it: an integer, or a decimal as a string (no float rounding)."""
    if isinstance(value, float):
        return repr(value)
    return value if isinstance(value, int) else str(value)


def skip_reason(attribute: Mapping[str, Any]) -> str | None:
    """Why an attribute is not a field, or None when it is one."""
    kind = str(attribute.get("type"))
    if kind in FIELD_TYPE_OF:
        return None
    return f"its type {kind} is not one the service looks up"


def mapped(
    attribute: Mapping[str, Any],
    options: Mapping[str, Mapping[str, str]],
    unit_symbols: Mapping[str, Mapping[str, str]],
    where: Where,
) -> MappedAttribute:
    """The field of an attribute whose `skip_reason` is None. `options`: each option code's
    labels; `unit_symbols`: each measurement family's unit symbols by unit code."""
    code = str(attribute["code"])
    kind = str(attribute["type"])
    labels = attribute.get("labels") or {}
    option_codes: dict[str, str] = {}
    for option_code, option_labels in options.items():
        option_codes.setdefault(option_labels.get(where.locale) or option_code, option_code)
    unit_code = attribute.get("default_metric_unit") if kind == "pim_catalog_metric" else None
    unit = None
    if unit_code:
        family = str(attribute.get("metric_family") or "")
        unit = unit_symbols.get(family, {}).get(unit_code) or unit_code
    guidelines = attribute.get("guidelines") or {}
    field = Field(
        code=code,
        label=labels.get(where.locale) or code,
        type=FIELD_TYPE_OF[kind],
        options=tuple(option_codes),
        unit=unit,
        description=guidelines.get(where.locale) or None,
        extract=kind != "pim_catalog_textarea",
        multiple=kind == "pim_catalog_multiselect",
    )
    return MappedAttribute(
        code=code,
        akeneo_type=kind,
        field=field,
        localizable=bool(attribute.get("localizable")),
        scopable=bool(attribute.get("scopable")),
        option_codes=option_codes,
        unit_code=unit_code,
    )
