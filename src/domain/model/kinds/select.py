"""One option of a list: the answer is matched to an option case- and accent-insensitively;
its evidence is the option's words where the text gives them. With `multiple`, several options
(see `several.py`)."""

from __future__ import annotations

from typing import Any

from src.domain.model import Field, Value
from src.domain.model.answers import ParsedValue, says_not_found
from src.domain.model.kinds.kind import FieldKind, PrepassRules
from src.domain.model.text_normalisation import comparison_key


class SelectKind(FieldKind):
    name = "select"
    several = True
    prepass_precision = (269, 270)

    def coerce(self, field: Field, answer: object) -> ParsedValue:
        if answer is None:
            return ParsedValue.not_found()
        if isinstance(answer, (int, float)) and not isinstance(answer, bool):
            answer = str(answer)
        if not isinstance(answer, str):
            return ParsedValue.invalid()
        key = comparison_key(answer)
        matches = [option for option in field.options if comparison_key(option) == key]
        if len(matches) == 1:
            return ParsedValue.ok(matches[0])
        return ParsedValue.not_found() if says_not_found(answer) else ParsedValue.invalid()

    def instruction(self, field: Field) -> str:
        return "Answer exactly one of: " + " | ".join(field.options)

    def summary(self, field: Field) -> str:
        return "one of " + " | ".join(field.options)

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"enum": [*field.options, None]}

    def prepass(self, field: Field, description: str, rules: PrepassRules) -> Value | None:
        return rules.option(field, description)

    def same(self, field: Field, expected: Value, predicted: Value) -> bool:
        return isinstance(predicted, str) and comparison_key(str(expected)) == comparison_key(
            predicted
        )

    def provisioning_defect(self, field: Field) -> str | None:
        return None if field.options else "a select field needs options"
