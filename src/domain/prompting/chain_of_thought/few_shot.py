"""Few-shot: the field's definition and the k labelled examples most similar to the product."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
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
from src.domain.prompting.prompt import Prompt, Shot


class FewShotChainOfThought:
    """Shows the model how the field was filled for similar products, then asks."""

    name = "few_shot"
    scope: Literal["field"] = "field"

    def __init__(self, k: int = 3) -> None:
        self.examples_per_field = k

    def prompt(self, field: Field, description: str, examples: Sequence[Example]) -> Prompt:
        definition = describe_field(field)
        shots = tuple(_shot(definition, example) for example in examples[: self.examples_per_field])
        return Prompt(
            system=INSTRUCTIONS,
            question=f"{definition}\n\n{product_block(description)}",
            shots=shots,
        )

    def answer_schema(self, field: Field, description: str = "") -> Mapping[str, Any]:
        return answer_schema(field)

    def parse(self, field: Field, raw: str) -> ParsedValue:
        return parse_answer(field, raw)


@lru_cache(maxsize=4096)
def _shot(definition: str, example: Example) -> Shot:
    """An example as a question and its answer; the same examples come back lookup after lookup."""
    return Shot(
        question=f"{definition}\n\n{product_block(example.context)}",
        answer=json.dumps({"value": example.value}, ensure_ascii=False),
    )
