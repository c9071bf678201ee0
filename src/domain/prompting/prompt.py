"""What is sent to a model: a prompt made of parts, and the completion asked of a connector."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from src.domain.confidence.tokens import TokenProbability
from src.domain.model import TokenUsage


@dataclass(frozen=True, slots=True)
class Shot:
    """One few-shot example as a question and the answer the model should give."""

    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Prompt:
    """The parts of a prompt, most important first: instructions and question, then shots.

    Shots are ordered from most to least useful, so a context limit drops them from the end.
    """

    system: str
    question: str
    shots: tuple[Shot, ...] = ()

    def without_last_shot(self) -> Prompt:
        return replace(self, shots=self.shots[:-1])


@dataclass(frozen=True, slots=True)
class FittedPrompt:
    """A prompt within its LLM's context limit, and its rendering in the LLM's format, which
    counting it against the limit made."""

    prompt: Prompt
    text: str


@dataclass(frozen=True, slots=True)
class Message:
    role: Literal["system", "user", "assistant"]
    content: str


class PromptForms(Protocol):
    """A prompt in both shapes a backend may want: chat messages (for chat backends that apply
    the model's format themselves) or one formatted text (for raw completion backends)."""

    @property
    def messages(self) -> tuple[Message, ...]: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    """Both shapes of a prompt, given as they are."""

    messages: tuple[Message, ...]
    text: str


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    """One call to a model: its prompt in the shape the backend reads (see `FormattedPrompt`,
    which renders only that one).

    `answer_schema` is the JSON schema the answer must satisfy (for grammars and structured
    output); `deadline` is a `time.monotonic()` instant after which the answer is useless.
    `null_odds`, when given, is how much likelier than a value null is for the field by its
    labelled examples (under 1: most hold a value): a connector that weighs whole answers keeps
    a value whose probability reaches `null_odds` times null's, rather than null because null
    is one token against a value's several.
    """

    field_code: str
    prompt: PromptForms
    answer_schema: Mapping[str, Any] | None
    max_tokens: int
    deadline: float
    stop: tuple[str, ...] = ()
    null_odds: float | None = None

    @property
    def messages(self) -> tuple[Message, ...]:
        return self.prompt.messages

    @property
    def text(self) -> str:
        return self.prompt.text


@dataclass(frozen=True, slots=True)
class Completion:
    """A model's raw answer, with token usage and each token's probability when the backend
    reports them."""

    text: str
    usage: TokenUsage | None = None
    tokens: tuple[TokenProbability, ...] | None = None
    answer_probability: float | None = None
    """The probability of the answer as a whole among every answer its schema allows, when the
    backend scored them all (a select's options, a number's candidates, and null): the value's
    confidence then, rather than the product of its tokens' probabilities along the greedy path."""
