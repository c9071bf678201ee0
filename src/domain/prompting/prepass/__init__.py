"""The deterministic pre-pass: values read in the product text by rules, before a model is asked."""

from src.domain.prompting.prepass.rules import TextRulesPrepass

__all__ = ["TextRulesPrepass"]
