"""True or false: read from true/false, oui/non, yes/no, vrai/faux, avec/sans; its evidence is
the attribute's own words where the text gives them (what the value was read from)."""

from __future__ import annotations

import re
from typing import Any

from src.domain.model import Field, Value
from src.domain.model.answers import ParsedValue, says_not_found
from src.domain.model.evidence import Evidence
from src.domain.model.kinds.kind import FieldKind, TextReader
from src.domain.model.text_normalisation import comparison_key

_TRUE_WORDS = frozenset({"oui", "yes", "true", "vrai", "1", "y", "o", "avec"})
_FALSE_WORDS = frozenset({"non", "no", "false", "faux", "0", "n", "sans"})
_UNIT_IN_LABEL = re.compile(r"\s*\([^()]*\)\s*$")


class BooleanKind(FieldKind):
    name = "boolean"

    def coerce(self, field: Field, answer: object) -> ParsedValue:
        if isinstance(answer, bool):
            return ParsedValue.ok(answer)
        if isinstance(answer, int) and answer in (0, 1):
            return ParsedValue.ok(bool(answer))
        if isinstance(answer, str):
            key = comparison_key(answer)
            if key in _TRUE_WORDS:
                return ParsedValue.ok(True)
            if key in _FALSE_WORDS:
                return ParsedValue.ok(False)
        if says_not_found(answer):
            return ParsedValue.not_found()
        return ParsedValue.invalid()

    def instruction(self, field: Field) -> str:
        return "Answer true or false."

    def summary(self, field: Field) -> str:
        return "true or false"

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": ["boolean", "null"]}

    def evidence(
        self, field: Field, description: str, value: Value, reader: TextReader
    ) -> Evidence:
        return reader.phrase(description, _UNIT_IN_LABEL.sub("", field.label))

    def same(self, field: Field, expected: Value, predicted: Value) -> bool:
        return isinstance(predicted, bool) and expected == predicted
