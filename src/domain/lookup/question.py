"""What one product's model work is asked: which fields, in which text, with which examples."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import Example, Field, FieldOutcome

AskField = Callable[[Field, str, Sequence[Example], float], FieldOutcome]
"""Asks a model for one field: (field, description, examples, deadline) -> outcome."""


@dataclass(frozen=True, slots=True)
class ProductQuestion:
    """The fields of one product text to ask `llm`, by field code, with their few-shot examples
    (per field code, most similar first), all answered by `deadline` (`time.monotonic()`)."""

    llm: ConfiguredLLM
    fields: Mapping[str, Field]
    description: str
    examples: Mapping[str, Sequence[Example]]
    deadline: float
    null_odds: Mapping[str, float] = field(default_factory=dict)
    """Per field code, the odds of null its labelled examples give, where under 1 (see
    `NullOdds`)."""

    def examples_of(self, code: str) -> Sequence[Example]:
        return self.examples.get(code, ())
