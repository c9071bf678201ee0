"""The ports of prompting, from the design the service grew from: a chain of thought (for one
field or a whole product), the pre-pass, an LLM (a model family's prompt format) and a connector
(what reaches an actual model)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Protocol

from src.domain.model import Example, Field, Value
from src.domain.model.values import ParsedValue
from src.domain.prompting.prompt import (
    Completion,
    CompletionRequest,
    FittedPrompt,
    Message,
    Prompt,
)

TokenCounter = Callable[[str], int]


class ChainOfThought(Protocol):
    """A prompting strategy for one field: builds its prompt and reads the model's answer."""

    name: str
    """Names the chain of thought in strategy names, results and cache keys ("few_shot")."""
    examples_per_field: int
    """How many similar labelled examples of the field it shows (0 for none)."""
    scope: Literal["field"]
    """How it asks, one field a call: the tag the lookup dispatches on (see ConfiguredLLM)."""

    def prompt(self, field: Field, description: str, examples: Sequence[Example]) -> Prompt:
        """The prompt asking for `field` in `description`, the examples most similar first."""
        ...

    def answer_schema(self, field: Field, description: str = "") -> Mapping[str, Any]:
        """The JSON schema a well-formed answer satisfies (for grammars and structured output);
        a chain of thought may narrow it to what `description` can give."""
        ...

    def parse(self, field: Field, raw: str) -> ParsedValue:
        """The typed value in the model's raw answer, or not_found / invalid_output."""
        ...


class ProductChainOfThought(Protocol):
    """A prompting strategy for a whole product: every field in one call, one JSON object back.

    It trades a call per field for one longer answer. The lookup tells it from a per-field
    ChainOfThought by its `scope`.
    """

    name: str
    examples_per_field: int
    """How many similar labelled examples of each field it shows (0 for none)."""
    scope: Literal["product"]

    def prompt(
        self, fields: Sequence[Field], description: str, examples: Mapping[str, Sequence[Example]]
    ) -> Prompt:
        """The prompt asking for all `fields` in `description`; examples per field code."""
        ...

    def answer_schema(self, fields: Sequence[Field], description: str = "") -> Mapping[str, Any]:
        """The JSON schema of the answer: one property per field code."""
        ...

    def answer_tokens(self, fields: Sequence[Field]) -> int:
        """Tokens enough for the answer of these fields."""
        ...

    def parse(self, fields: Sequence[Field], raw: str) -> dict[str, ParsedValue]:
        """Each field's typed value in the model's raw answer, or not_found / invalid_output."""
        ...


class Prepass(Protocol):
    """Answers a field from the product text alone, without a model, where a rule is reliable."""

    name: str

    def answer(self, field: Field, description: str) -> Value | None:
        """The field's value when a rule reads it unambiguously in `description`; else None
        (the model is asked)."""
        ...


class LLM(Protocol):
    """A model family: its prompt format and its context limit."""

    family: str
    context_tokens: int
    answer_tokens: int
    stop: tuple[str, ...]

    def render(self, prompt: Prompt) -> str:
        """The prompt as one text in the family's own format (for raw completion backends)."""
        ...

    def messages(self, prompt: Prompt) -> tuple[Message, ...]:
        """The prompt as chat messages (for chat backends that apply the format themselves)."""
        ...

    def fit(self, prompt: Prompt, count_tokens: TokenCounter) -> FittedPrompt:
        """The prompt within the context limit, dropping what matters least (shots) first, with
        its rendering (`render`'s), counted already.

        Raises PromptTooLongError when the instructions and the question alone do not fit.
        """
        ...


class Connector(Protocol):
    """Reaches an actual model: a library in this process, another process, an HTTP API."""

    def complete(self, request: CompletionRequest) -> Completion:
        """The model's answer, by `request.deadline` at the latest.

        Raises TransientBackendError (worth retrying) or PermanentBackendError.
        """
        ...

    def count_tokens(self, text: str) -> int | None:
        """Tokens of `text` by the model's own tokenizer, or None when it is not at hand."""
        ...
