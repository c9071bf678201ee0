"""Chains of thought: the prompting strategies a configured LLM may use."""

from src.domain.prompting.chain_of_thought.all_fields import AllFieldsChainOfThought
from src.domain.prompting.chain_of_thought.basic import BasicChainOfThought
from src.domain.prompting.chain_of_thought.few_shot import FewShotChainOfThought
from src.domain.prompting.chain_of_thought.text_numbers import NumbersFromText
from src.domain.prompting.chain_of_thought.text_spans import TextFromText

__all__ = [
    "AllFieldsChainOfThought",
    "BasicChainOfThought",
    "FewShotChainOfThought",
    "NumbersFromText",
    "TextFromText",
]
