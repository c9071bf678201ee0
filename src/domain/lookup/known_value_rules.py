"""The known-value rule of the pre-pass (`prepass/known_values.py`) for the text fields of one
lookup: measured once per field and set of examples, asked only by an LLM with a pre-pass."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from src.domain.catalogue.ports import LabelledValues
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import Field, FieldType
from src.domain.prompting.prepass.known_values import KnownValues, known_values


@dataclass(frozen=True, slots=True)
class KnownAnswers:
    """The rules of a lookup's text fields, and the product text whose own labels do not count
    (`evaluate --exclude-own-examples`)."""

    rules: Mapping[str, KnownValues] = field(default_factory=dict)
    exclude_context: str | None = None

    def answer(self, code: str, description: str) -> tuple[str, float] | None:
        """The value the field's rule reads in `description`, with the rule's confidence."""
        rule = self.rules.get(code)
        value = rule.answer(description, self.exclude_context) if rule is not None else None
        return None if value is None or rule is None else (value, rule.confidence)


NO_KNOWN_ANSWERS = KnownAnswers()


class KnownValueRules:
    """Builds a lookup's KnownAnswers from the catalogue's labelled values."""

    def __init__(self, labelled: LabelledValues | None) -> None:
        self._labelled = labelled

    def of(
        self, llm: ConfiguredLLM, fields: Mapping[str, Field], exclude_context: str | None
    ) -> KnownAnswers:
        if self._labelled is None or llm.prepass is None:
            return NO_KNOWN_ANSWERS
        texts = [code for code, asked in fields.items() if asked.type is FieldType.TEXT]
        if not texts:
            return NO_KNOWN_ANSWERS
        rules = {
            code: rule
            for code, examples in self._labelled.labelled(texts).items()
            if (rule := known_values(examples)).reliable
        }
        return KnownAnswers(rules, exclude_context) if rules else NO_KNOWN_ANSWERS
