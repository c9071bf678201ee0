"""The ports of shared-prefix lookups: a chain of thought that lays a product's prompts out
around one prefix, and a connector that can hold its model for a product's calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from src.domain.model import Example, Field
from src.domain.model.values import ParsedValue
from src.domain.prompting.prompt import Prompt


@dataclass(frozen=True, slots=True)
class ProductPrompts:
    """One product's prompts, one per field code, alike but for their ends, so that their texts
    share one long prefix; and per field code the opening of the answer that the model
    completes, written after the prompt ("" for none)."""

    prompts: Mapping[str, Prompt]
    answer_starts: Mapping[str, str]


class SharedPrefixChainOfThought(Protocol):
    """A chain of thought whose prompts for one product's fields share one long prefix and
    differ only in a short per-field tail; each field is still one call and one answer."""

    name: str
    shot_products: int
    """How many labelled products the prompts show (more, up to twice as many, so that every
    asked field with examples is shown once; see `shot_products`)."""
    scope: Literal["shared_prefix"]

    @property
    def examples_per_field(self) -> int:
        """How many similar labelled examples are fetched per field: the shot products are
        chosen among them, so as many as there are shot products."""
        ...

    def prompts(
        self, fields: Sequence[Field], description: str, examples: Mapping[str, Sequence[Example]]
    ) -> ProductPrompts:
        """The prompts of `fields` in `description`; examples per field code, most similar first.
        Their shots are the same, so dropping the last ones keeps the prefix shared."""
        ...

    def answer_schema(self, field: Field, description: str = "") -> Mapping[str, Any]:
        """The JSON schema of what the model writes after the field's answer start."""
        ...

    def parse(self, field: Field, raw: str) -> ParsedValue:
        """The typed value in what the model wrote, or not_found / invalid_output."""
        ...


@runtime_checkable
class TakesTurns(Protocol):
    """A connector to a model that runs one completion at a time (a model in this process)."""

    def turn(self, deadline: float) -> AbstractContextManager[None]:
        """Holds the model for this thread's next completions (one product's fields), so that no
        other work runs between them. Raises DeadlinePassedError when the turn does not come by
        `deadline`."""
        ...


def turn_of(connector: object, deadline: float) -> AbstractContextManager[None]:
    """The connector's turn when it takes turns; otherwise there is nothing to wait for."""
    return connector.turn(deadline) if isinstance(connector, TakesTurns) else nullcontext()
