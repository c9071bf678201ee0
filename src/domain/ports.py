"""The ports: what the lookup use case needs from the outside world, as small Protocols.

Three come from the prototype's design (a chain of thought, an LLM, a connector), and three reach
the database (fields, examples, and the catalogue store that provisions both at once).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

from src.domain.api_keys import ApiKey
from src.domain.cache import CachedAnswer
from src.domain.model import Example, Field, LookupResult, Value
from src.domain.prompt import Completion, CompletionRequest, Message, Prompt
from src.domain.values import ParsedValue

TokenCounter = Callable[[str], int]


class ChainOfThought(Protocol):
    """A prompting strategy for one field: builds its prompt and reads the model's answer."""

    name: str
    """Names the strategy in results and cache keys ("basic", "few_shot")."""
    examples_wanted: int
    """How many similar labelled examples the strategy uses (0 for none)."""

    def prompt(self, field: Field, description: str, examples: Sequence[Example]) -> Prompt:
        """The prompt asking for `field` in `description`, the examples most similar first."""
        ...

    def answer_schema(self, field: Field, description: str = "") -> Mapping[str, Any]:
        """The JSON schema a well-formed answer satisfies (for grammars and structured output);
        a strategy may narrow it to what `description` can give."""
        ...

    def parse(self, field: Field, raw: str) -> ParsedValue:
        """The typed value in the model's raw answer, or not_found / invalid_output."""
        ...


@runtime_checkable
class ProductChainOfThought(Protocol):
    """A prompting strategy for a whole product: every field in one call, one JSON object back.

    It trades a call per field for one longer answer. The lookup tells it from a per-field
    ChainOfThought by its `scope`.
    """

    name: str
    examples_wanted: int
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

    def fit(self, prompt: Prompt, count_tokens: TokenCounter) -> Prompt:
        """The prompt within the context limit, dropping what matters least (shots) first.

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


class FieldRepository(Protocol):
    """The known fields."""

    def get_many(self, codes: Sequence[str]) -> dict[str, Field]:
        """The fields of these codes that exist, in one query; unknown codes are left out."""
        ...

    def get(self, code: str) -> Field | None: ...

    def list_all(self) -> list[Field]:
        """Every field, ordered by code."""
        ...


class ExampleRepository(Protocol):
    """Labelled examples, searched by similarity to a product description."""

    def most_similar(
        self,
        field_codes: Sequence[str],
        description: str,
        k: int,
        exclude_context: str | None = None,
    ) -> dict[str, list[Example]]:
        """For each field, its `k` examples whose context is most similar to `description`,
        most similar first, in one query; `exclude_context` leaves out one product's own text."""
        ...


@dataclass(frozen=True, slots=True)
class ProvisionReport:
    fields_created: int
    fields_updated: int
    examples_created: int
    examples_updated: int


class CatalogueStore(Protocol):
    """Writes fields and examples together."""

    def provision(self, fields: Sequence[Field], examples: Sequence[Example]) -> ProvisionReport:
        """Upserts all of them in one transaction: twice leaves one copy; a failure, nothing."""
        ...


class HealthProbe(Protocol):
    """Says whether the storage answers."""

    def check(self) -> None:
        """Returns when the database answers; raises StorageUnavailableError otherwise."""
        ...


class LookupCache(Protocol):
    """Answers already given, shared by every worker process, by cache key."""

    def get_many(self, keys: list[str]) -> dict[str, CachedAnswer]:
        """The fresh answers among `keys`, in one query; missing and expired keys are left out."""
        ...

    def put_many(self, answers: dict[str, CachedAnswer]) -> None:
        """Stores or replaces these answers."""
        ...


class LookupObserver(Protocol):
    """Hears of every finished lookup (for metrics)."""

    def lookup_finished(self, result: LookupResult) -> None: ...


class ApiKeyStore(Protocol):
    """The API keys, revoked ones included, shared by every worker process."""

    def add(self, key: ApiKey) -> None:
        """Stores a new key; InvalidRequestError when its name is taken."""
        ...

    def find(self, key_id: str) -> ApiKey | None:
        """The key of this public id, revoked or not."""
        ...

    def named(self, name: str) -> ApiKey | None: ...

    def list_all(self) -> list[ApiKey]:
        """Every key, oldest first."""
        ...

    def revoke(self, name: str, when: datetime) -> ApiKey | None:
        """Marks the key revoked (keeping the first date); None when there is no such key."""
        ...

    def any(self) -> bool:
        """Whether any key was ever made, revoked ones included."""
        ...


class RateLimiter(Protocol):
    """Counts requests per caller in a store every worker process shares."""

    def hit(self, caller: str) -> None:
        """Counts one request of `caller`; RateLimitedError (saying when to retry) when it is
        over its limit, StorageUnavailableError when the counts cannot be reached."""
        ...
