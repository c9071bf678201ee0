"""Estimating what a catalogue would spend, before spending it.

Each product goes through the real lookup (the same cache hits, pre-pass answers, examples and
prompts) on connectors that count instead of calling: a call's prompt tokens are its prompt's
(by the model's tokenizer when at hand), its completion tokens the most the answer may take.
Nothing is written to the cache. Retries are not foreseen: they happen only on failures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from src.domain.lookup.cache import CachedAnswer
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.ports import LookupCache
from src.domain.lookup.service import FieldLookupService
from src.domain.model import LookupRequest, TokenUsage
from src.domain.prompting.families import approximate_tokens
from src.domain.prompting.ports import Connector
from src.domain.prompting.prompt import Completion, CompletionRequest


@dataclass(frozen=True, slots=True)
class Estimate:
    products: int
    calls: int
    prompt_tokens: int
    completion_tokens_at_most: int


class CountingConnector:
    """Answers nothing, at once, with the usage the call would have: the prompt's tokens and
    the answer's limit."""

    def __init__(self, inner: Connector) -> None:
        self._inner = inner

    def complete(self, request: CompletionRequest) -> Completion:
        counted = self._inner.count_tokens(request.text)
        prompt = approximate_tokens(request.text) if counted is None else counted
        return Completion("", TokenUsage(prompt, request.max_tokens))

    def count_tokens(self, text: str) -> int | None:
        return self._inner.count_tokens(text)


class ReadOnlyCache:
    """The real cache's answers, without keeping the estimate's."""

    def __init__(self, inner: LookupCache) -> None:
        self._inner = inner

    def get_many(self, keys: list[str]) -> dict[str, CachedAnswer]:
        return self._inner.get_many(keys)

    def put_many(self, answers: dict[str, CachedAnswer]) -> None:
        pass


def counting_registry(registry: LLMRegistry) -> LLMRegistry:
    """The LLMs of `registry` (built once, by it), each on a CountingConnector."""

    def counting(name: str) -> ConfiguredLLM:
        configured = registry.get(name)
        return replace(configured, connector=CountingConnector(configured.connector))

    factories = {name: (lambda name=name: counting(name)) for name in registry.names()}
    return LLMRegistry(factories, registry.default)


class Estimator:
    """Estimates the model calls and tokens of looking up `products` (description, field codes)."""

    def __init__(self, counting_lookup: FieldLookupService) -> None:
        self._lookup = counting_lookup

    def estimate(
        self, products: Iterable[tuple[str, tuple[str, ...]]], llm: str | None = None
    ) -> Estimate:
        count = calls = prompt = completion = 0
        for description, codes in products:
            result = self._lookup.lookup(LookupRequest(description, codes, llm))
            count += 1
            for outcome in result.outcomes:
                if outcome.usage is not None:
                    calls += 1
                    prompt += outcome.usage.prompt_tokens
                    completion += outcome.usage.completion_tokens
        return Estimate(count, calls, prompt, completion)

    def worst_case(self, request: LookupRequest) -> int:
        """The most tokens `request` may spend: its prompts' tokens and the most each answer may
        take (what a budget holds for it while it runs)."""
        estimate = self.estimate([(request.description, request.field_codes)], request.llm)
        return estimate.prompt_tokens + estimate.completion_tokens_at_most
