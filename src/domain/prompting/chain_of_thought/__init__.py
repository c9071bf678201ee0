"""Chains of thought: the prompting strategies a configured LLM may use."""

from src.domain.prompting.chain_of_thought.all_fields import AllFieldsStrategy
from src.domain.prompting.chain_of_thought.basic import BasicStrategy
from src.domain.prompting.chain_of_thought.few_shot import FewShotStrategy
from src.domain.prompting.chain_of_thought.text_numbers import NumbersFromText

__all__ = ["AllFieldsStrategy", "BasicStrategy", "FewShotStrategy", "NumbersFromText"]
