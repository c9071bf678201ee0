"""What the shared-prefix layouts have in common: their settings, their names, the narrowing of
a number field to the numbers its text gives, and the reading of an answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from src.domain.model import Field
from src.domain.model.values import ParsedValue
from src.domain.prompting.chain_of_thought.json_answer import parse_answer
from src.domain.prompting.chain_of_thought.text_numbers import text_number_schema
from src.domain.prompting.chain_of_thought.text_spans import text_span_schema


class SharedPrefixLayout:
    """A base of the shared-prefix chains of thought: `k` shot products (chosen among as many
    labelled examples fetched per field) and, with `numbers_from_text`, a number field answers
    only a number its text gives (see `text_number_schema`), as `NumbersFromText` does for the
    per-field chains of thought, and with `text_spans` a text field answers a span of its text
    (see `text_span_schema`), as `TextFromText` does. Its name is the layout's, with
    `+text_numbers` and `+text_spans`."""

    layout: ClassVar[str]
    scope: Literal["shared_prefix"] = "shared_prefix"

    def __init__(
        self, k: int = 3, numbers_from_text: bool = True, text_spans: bool = False
    ) -> None:
        self.shot_products = k
        self._numbers_from_text = numbers_from_text
        self._text_spans = text_spans
        self.name = (
            self.layout
            + ("+text_numbers" if numbers_from_text else "")
            + ("+text_spans" if text_spans else "")
        )

    @property
    def examples_per_field(self) -> int:
        return self.shot_products

    def _value_from_text(self, field: Field, description: str) -> Mapping[str, Any] | None:
        """The schema of the values `description` gives for `field`, when narrowing applies: its
        numbers for a number field, its spans for a text field."""
        if self._numbers_from_text and (numbers := text_number_schema(field, description)):
            return numbers
        return text_span_schema(field, description) if self._text_spans else None

    def parse(self, field: Field, raw: str) -> ParsedValue:
        return parse_answer(field, raw)
