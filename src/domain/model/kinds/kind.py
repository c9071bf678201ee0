"""What a field kind is: everything the service does with the values of one `Field.type`.

A kind reads an answer into a typed value (or says why not), describes its field to a model,
gives the JSON schema of an answer (which the connectors turn into a grammar or a JSON schema
without knowing kinds), reads a value by the pre-pass when a rule can, finds a value's evidence
in the product text, matches an answer against a label in `evaluate`, and writes a value in a
CSV cell (its JSON form is the value itself: numbers, strings, booleans, `{"min", "max"}`,
lists). The text-reading machinery it builds on (the pre-pass rules, the number and word
finders) is handed to it by its caller, as the `PrepassRules` and `TextReader` ports.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from src.domain.model import Field, Value
from src.domain.model.answers import ParsedValue
from src.domain.model.evidence import Evidence

Converter = Callable[[float | int, str | None, str | None], Value]
"""`converted(number, unit, wanted)`: a number written in `unit` in the unit `wanted` (itself
when they are one unit however written: "VAC" and "V"), or None when they do not convert."""


class TextReader(Protocol):
    """Finds where a value stands in a product text: never an invented span."""

    def number(
        self, unit: str | None, description: str, value: Value, only_in_unit: bool = False
    ) -> Evidence:
        """A number as written, or written in another unit that converts to it; with
        `only_in_unit`, only where written in `unit` or in one converting to it (never a bare
        number, never an equal number in another unit), when there is a `unit`."""

    def words(self, description: str, text: str) -> Evidence:
        """A value's words, case- and accent-insensitively (then in the plural, then inside
        words); verbatim when written with the same characters."""

    def phrase(self, description: str, text: str) -> Evidence:
        """A phrase as whole words, case- and accent-insensitively (never verbatim)."""

    def converted(self, number: float | int, unit: str | None, wanted: str | None) -> Value:
        """`number` in `unit` written in the unit `wanted`, as a `Converter`."""


class PrepassRules(Protocol):
    """The deterministic rules that read a value before any model is asked."""

    def option(self, field: Field, description: str) -> str | None:
        """The one option of `field` that the text names, if exactly one."""

    def number(self, field: Field, description: str) -> Value | None:
        """The number in the field's unit that the text states unambiguously."""


class FieldKind:
    """The base of every kind: a value it cannot read is `invalid_output`, and it has no
    pre-pass rule. Subclasses say what their values are."""

    name: str = ""
    """The `type` a field of this kind declares ("number")."""
    several: bool = False
    """Whether a field of this kind may hold several values (`"multiple": true`)."""
    structured: bool = False
    """Whether its values are JSON objects or lists (a range, several values), not scalars."""
    measured: bool = False
    """Whether its values are in the field's unit (a prototype's label may give it: "(W)")."""
    numbers_of_text: bool = False
    """Whether a chain of thought holding answers to the text holds it to the text's numbers."""
    spans_of_text: bool = False
    """Whether a chain of thought holding answers to the text holds it to the text's spans (for
    a field with `extract`, by `schema_from_text`), and, for one value, the catalogue's known
    values may answer it before the model."""
    judged: bool = False
    """Whether `evaluate`'s judge may grade a value that does not match its label (free text)."""
    prepass_precision: tuple[int, int] | None = None
    """(right, answered) of its pre-pass rule on labelled data (`bench/prepass_precision.py`);
    None without a rule."""

    def coerce(self, field: Field, answer: object) -> ParsedValue:
        """The typed value of `answer` (a JSON value, or a string already stripped)."""
        raise NotImplementedError

    def why_invalid(self, field: Field, answer: object) -> str:
        """Why `answer`, which `coerce` found invalid, is no value of `field`, for a person."""
        if field.options:
            return f"{answer!r} is not one of {list(field.options)}"
        return f"{answer!r} is not a {self.name} value"

    def instruction(self, field: Field) -> str:
        """How a model is told to answer, one line: "Answer a number in W, without the unit."."""
        raise NotImplementedError

    def summary(self, field: Field) -> str:
        """The kind of value in a few words, for a list of attributes: "a number in W"."""
        raise NotImplementedError

    def value_schema(self, field: Field) -> dict[str, Any]:
        """The JSON schema of a value of `field`, null included (not stated)."""
        raise NotImplementedError

    def schema_from_text(
        self, field: Field, description: str, convert: Converter
    ) -> dict[str, Any] | None:
        """The value schema narrowed to the values `description` writes, for a chain of thought
        that holds answers to the text (numbers have their own candidates); None: not narrowed."""
        return None

    def prepass(self, field: Field, description: str, rules: PrepassRules) -> Value | None:
        """The value a pre-pass rule reads in `description`, or None (left to the model)."""
        return None

    def evidence(
        self, field: Field, description: str, value: Value, reader: TextReader
    ) -> Evidence:
        """Where `value` (not None) stands in `description`."""
        return reader.words(description, str(value))

    def same(self, field: Field, expected: Value, predicted: Value) -> bool:
        """Whether `predicted` (not None) is the labelled `expected` value, read by `coerce`."""
        return expected == predicted

    def provisioning_defect(self, field: Field) -> str | None:
        """Why a field of this kind cannot be provisioned as declared, or None."""
        return None

    def cell(self, value: Value) -> str:
        """`value` in a CSV cell (see `value_cell`)."""
        return value_cell(value)


def value_cell(value: Value) -> str:
    """A value in a CSV cell: empty for none, a scalar as itself (`true`/`false` for a boolean),
    a range or a list as its JSON text (`{"min": 100, "max": 240}`, `["CE", "RoHS"]`), which
    `coerce` reads back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
