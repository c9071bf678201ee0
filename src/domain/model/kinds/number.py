"""A number, in the field's unit: a JSON number, or a text that writes one ("3493,8", "1 200",
"40W"); its evidence is the number with its unit as written, kept through conversion ("1,5 kW"
for 1500 W); two numbers match within 0.1 %."""

from __future__ import annotations

import math
from typing import Any

from src.domain.model import Field, Value
from src.domain.model.answers import ParsedValue, parse_number, says_not_found
from src.domain.model.evidence import Evidence
from src.domain.model.kinds.kind import FieldKind, PrepassRules, TextReader

RELATIVE_TOLERANCE = 1e-3
"""Numbers within 0.1 % of each other match (3493.8 and 3494 do; 3493 and 3500 do not)."""


class NumberKind(FieldKind):
    name = "number"
    measured = True
    numbers_of_text = True
    prepass_precision = (190, 190)

    def coerce(self, field: Field, answer: object) -> ParsedValue:
        if says_not_found(answer):
            return ParsedValue.not_found()
        return number_answer(answer)

    def instruction(self, field: Field) -> str:
        unit = f" in {field.unit}" if field.unit else ""
        return f"Answer a number{unit}, without the unit."

    def summary(self, field: Field) -> str:
        return f"a number in {field.unit}" if field.unit else "a number"

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": ["number", "null"]}

    def prepass(self, field: Field, description: str, rules: PrepassRules) -> Value | None:
        return rules.number(field, description)

    def evidence(
        self, field: Field, description: str, value: Value, reader: TextReader
    ) -> Evidence:
        return reader.number(field.unit, description, value)

    def same(self, field: Field, expected: Value, predicted: Value) -> bool:
        return numbers_equal(expected, predicted)


def number_answer(answer: object) -> ParsedValue:
    """A JSON number, or a text that writes one; `invalid_output` for anything else."""
    if isinstance(answer, bool):
        return ParsedValue.invalid()
    if isinstance(answer, int):
        return ParsedValue.ok(answer)
    if isinstance(answer, float):
        if answer != answer or answer in (float("inf"), float("-inf")):
            return ParsedValue.invalid()
        return ParsedValue.ok(int(answer) if answer.is_integer() else answer)
    if isinstance(answer, str):
        number = parse_number(answer)
        return ParsedValue.invalid() if number is None else ParsedValue.ok(number)
    return ParsedValue.invalid()


def numbers_equal(expected: Value, predicted: Value) -> bool:
    """Two numbers (never booleans) within `RELATIVE_TOLERANCE` of each other."""
    if isinstance(predicted, bool) or not isinstance(predicted, (int, float)):
        return False
    if isinstance(expected, bool) or not isinstance(expected, (int, float)):
        return False
    return math.isclose(expected, predicted, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)
