"""The prototype's chain of thought: the field's label and the description, no examples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from src.domain.model import Example, Field
from src.domain.model.values import ParsedValue
from src.domain.prompting.chain_of_thought.json_answer import (
    INSTRUCTIONS,
    answer_schema,
    describe_field,
    parse_answer,
    product_block,
)
from src.domain.prompting.prompt import Prompt


class BasicChainOfThought:
    """Asks for one field with its definition and no examples."""

    name = "basic"
    scope: Literal["field"] = "field"
    examples_per_field = 0

    def prompt(self, field: Field, description: str, examples: Sequence[Example]) -> Prompt:
        return Prompt(
            system=INSTRUCTIONS, question=f"{describe_field(field)}\n\n{product_block(description)}"
        )

    def answer_schema(self, field: Field, description: str = "") -> Mapping[str, Any]:
        return answer_schema(field)

    def parse(self, field: Field, raw: str) -> ParsedValue:
        return parse_answer(field, raw)
