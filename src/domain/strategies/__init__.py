"""Chains of thought: the prompting strategies a configured LLM may use."""

from src.domain.strategies.basic import BasicStrategy
from src.domain.strategies.few_shot import FewShotStrategy

__all__ = ["BasicStrategy", "FewShotStrategy"]
