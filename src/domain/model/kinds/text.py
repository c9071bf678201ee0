"""A short text: the answer trimmed and its spaces collapsed; its evidence is the text where the
product text gives it; two texts match after case, accent, spacing and punctuation folding.
Held to the text, a text with `extract` is a span of it. With `multiple`, several texts (see
`several.py`)."""

from __future__ import annotations

import re
from typing import Any

from src.domain.model import Field, Value
from src.domain.model.answers import ParsedValue, says_not_found
from src.domain.model.kinds.kind import Converter, FieldKind
from src.domain.model.text_normalisation import strip_accents

MAX_TEXT_CHARS = 200
"""The longest text a model may answer."""
SPANS_OF = "x-spans-of"
"""An answer schema's mark on a string: it is a span of this text (see `schema_from_text`)."""

_NOT_WORD = re.compile(r"[\W_]+")


class TextKind(FieldKind):
    name = "text"
    several = True
    judged = True
    spans_of_text = True

    def coerce(self, field: Field, answer: object) -> ParsedValue:
        if says_not_found(answer):
            return ParsedValue.not_found()
        if isinstance(answer, bool) or not isinstance(answer, (str, int, float)):
            return ParsedValue.invalid()
        text = " ".join(str(answer).split())
        return ParsedValue.ok(text) if text else ParsedValue.not_found()

    def instruction(self, field: Field) -> str:
        return "Answer a short text."

    def summary(self, field: Field) -> str:
        return "a short text"

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": ["string", "null"], "maxLength": MAX_TEXT_CHARS}

    def schema_from_text(
        self, field: Field, description: str, convert: Converter
    ) -> dict[str, Any] | None:
        """For a field with `extract`, null or a span of `description`: `{"type": ["string",
        "null"], SPANS_OF: description}`, which a connector with grammars holds to the text's
        spans (and others read as a string)."""
        if not field.extract or not description.strip():
            return None
        return {"type": ["string", "null"], SPANS_OF: description}

    def same(self, field: Field, expected: Value, predicted: Value) -> bool:
        return normalised_text(str(expected)) == normalised_text(str(predicted))


def normalised_text(text: str) -> str:
    """'  Acier  inoxydable. ' and 'acier-inoxydable' give the same key."""
    return " ".join(_NOT_WORD.sub(" ", strip_accents(text).casefold()).split())
