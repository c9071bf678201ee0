"""Chains of thought: the prompting strategies a configured LLM may use."""

from src.domain.strategies.all_fields import AllFieldsStrategy
from src.domain.strategies.basic import BasicStrategy
from src.domain.strategies.few_shot import FewShotStrategy
from src.domain.strategies.text_numbers import NumbersFromText

__all__ = ["AllFieldsStrategy", "BasicStrategy", "FewShotStrategy", "NumbersFromText"]
