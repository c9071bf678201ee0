"""A shared-prefix layout, the conversation: the few-shot questions of every asked field, product
by product. Each shot product's text comes once, then a question per field it is labelled for
and its `{"value": …}`; the product asked about comes last, and only the last question, its
field's definition, differs from one field to the next."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from src.domain.model import Example, Field
from src.domain.prompting.chain_of_thought.json_answer import (
    INSTRUCTIONS,
    answer_schema,
    describe_field,
    product_block,
)
from src.domain.prompting.prompt import Prompt, Shot
from src.domain.prompting.shared_prefix.layout import SharedPrefixLayout
from src.domain.prompting.shared_prefix.ports import ProductPrompts
from src.domain.prompting.shared_prefix.shots import ShotProduct, shot_products


class ConversationChainOfThought(SharedPrefixLayout):
    """The per-field few-shot questions, laid out around the product so that they share it."""

    layout = "conversation"

    def prompts(
        self, fields: Sequence[Field], description: str, examples: Mapping[str, Sequence[Example]]
    ) -> ProductPrompts:
        by_code = {field.code: field for field in fields}
        chosen = shot_products(list(by_code), examples, self.shot_products)
        shots = tuple(shot for product in chosen for shot in _questions(product, by_code))
        product = product_block(description)
        prompts = {
            code: Prompt(INSTRUCTIONS, f"{product}\n\n{describe_field(field)}", shots)
            for code, field in by_code.items()
        }
        return ProductPrompts(prompts, {code: "" for code in by_code})

    def answer_schema(self, field: Field, description: str = "") -> Mapping[str, Any]:
        schema = answer_schema(field)
        narrowed = self._value_from_text(field, description)
        if narrowed is None:
            return schema
        return {**schema, "properties": {**schema["properties"], "value": narrowed}}


def _questions(product: ShotProduct, fields: Mapping[str, Field]) -> list[Shot]:
    """The shot product's text with its first question, then one question per further field."""
    shots = []
    for index, (code, value) in enumerate(product.values):
        question = describe_field(fields[code])
        if index == 0:
            question = f"{product_block(product.context)}\n\n{question}"
        shots.append(Shot(question, json.dumps({"value": value}, ensure_ascii=False)))
    return shots
