"""Text held to the text: a text field answers a span of its product text, by the answer
grammar, as numbers already answer one of the text's numbers. A small model then cannot invent
a brand or a model number, nor normalise one into another spelling; it can still say null. A
text field with `multiple` answers a list of such spans.

The answer schema marks the value (or each item of a list) with `SPANS_OF`, the text whose spans
it may be; a connector with grammars (llama.cpp) builds the grammar of those spans, one rule per
word of the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from src.domain.model import Field
from src.domain.model.kinds import kind_of
from src.domain.model.kinds.text import SPANS_OF
from src.domain.prompting.chain_of_thought.text_numbers import NumbersFromText, converted_number
from src.domain.prompting.ports import ChainOfThought

MAX_TEXT = 4000
"""Longer texts are not held to their spans: the grammar would slow every token down."""


def text_span_schema(field: Field, description: str) -> dict[str, Any] | None:
    """For a text field, its kind's schema of spans of `description` (`{"type": ["string",
    "null"], SPANS_OF: description}`, or a list of such spans for several texts); else None."""
    kind = kind_of(field)
    if not kind.spans_of_text or len(description) > MAX_TEXT:
        return None
    return kind.schema_from_text(field, description, converted_number)


class TextFromText(NumbersFromText):
    """Numbers held to those of the text (see NumbersFromText), and text to spans of it."""

    def __init__(self, inner: ChainOfThought) -> None:
        super().__init__(inner)
        self.name = f"{self.name}+text_spans"

    def answer_schema(self, field: Field, description: str = "") -> Mapping[str, Any]:
        schema = super().answer_schema(field, description)
        narrowed = text_span_schema(field, description)
        if narrowed is None:
            return schema
        return {**schema, "properties": {**schema.get("properties", {}), "value": narrowed}}


__all__ = ["MAX_TEXT", "SPANS_OF", "TextFromText", "text_span_schema"]
