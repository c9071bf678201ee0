"""The LLM registry: named LLMs, the default first, each built once on first use."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from src.domain.errors import InvalidRequestError, UnknownLLMError
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.prompting.chain_of_thought import AllFieldsChainOfThought, BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from src.domain.prompting.shared_prefix.conversation import ConversationChainOfThought
from tests.support.fakes import FakeConnector


class CountingFactories:
    """Factories that count how many times each LLM was built."""

    def __init__(self, build_seconds: float = 0.0) -> None:
        self.built: Counter[str] = Counter()
        self._build_seconds = build_seconds
        self._lock = threading.Lock()

    def __call__(self, name: str) -> Callable[[], ConfiguredLLM]:
        def build() -> ConfiguredLLM:
            with self._lock:
                self.built[name] += 1
            time.sleep(self._build_seconds)  # a slow model load widens any race
            return ConfiguredLLM(name, ChatFormat(), BasicChainOfThought(), FakeConnector())

        return build


def registry(
    default: str = "gemma3",
    names: tuple[str, ...] = ("mock", "gemma3", "llama2"),
    factories: CountingFactories | None = None,
    **kwargs: object,
) -> LLMRegistry:
    factories = factories or CountingFactories()
    return LLMRegistry({name: factories(name) for name in names}, default, **kwargs)  # type: ignore[arg-type]


def test_names_put_the_default_first_then_the_others_in_config_order() -> None:
    assert registry(default="gemma3").names() == ["gemma3", "mock", "llama2"]
    assert registry(default="llama2").names() == ["llama2", "mock", "gemma3"]


def test_get_without_a_name_gives_the_default() -> None:
    llms = registry(default="gemma3")

    assert llms.default == "gemma3"
    assert llms.get(None).name == "gemma3"
    assert llms.get().name == "gemma3"


def test_get_by_name_gives_that_llm() -> None:
    assert registry().get("llama2").name == "llama2"


def test_an_unknown_name_is_refused_with_the_configured_names() -> None:
    with pytest.raises(UnknownLLMError) as raised:
        registry().get("gpt-9")

    message = str(raised.value)
    assert "gpt-9" in message
    assert "gemma3, mock, llama2" in message
    assert raised.value.configured == ["gemma3", "mock", "llama2"]
    assert isinstance(raised.value, InvalidRequestError)


def test_an_unknown_name_builds_nothing() -> None:
    factories = CountingFactories()
    llms = registry(factories=factories)

    with pytest.raises(UnknownLLMError):
        llms.get("gpt-9")

    assert sum(factories.built.values()) == 0


def test_a_default_that_is_not_configured_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="gpt-9"):
        registry(default="gpt-9")


def test_llms_are_built_lazily_and_only_those_asked_for() -> None:
    factories = CountingFactories()
    llms = registry(factories=factories)
    assert sum(factories.built.values()) == 0

    llms.get("mock")
    llms.get("mock")

    assert factories.built == Counter({"mock": 1})


def test_an_llm_is_built_once_even_when_eight_threads_ask_at_once() -> None:
    factories = CountingFactories(build_seconds=0.05)
    llms = registry(factories=factories)
    start = threading.Barrier(8)

    def get() -> ConfiguredLLM:
        start.wait(timeout=5)
        return llms.get("gemma3")

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = [future.result(timeout=10) for future in [pool.submit(get) for _ in range(8)]]

    assert factories.built["gemma3"] == 1
    assert all(configured is got[0] for configured in got)


def test_the_wrap_hook_is_applied_to_what_get_returns() -> None:
    wrapped: list[str] = []

    def wrap(configured: ConfiguredLLM) -> ConfiguredLLM:
        wrapped.append(configured.name)
        return replace(configured, fallbacks=("mock",))

    llms = registry(wrap=wrap)

    first = llms.get("gemma3")
    second = llms.get("gemma3")

    assert first.fallbacks == ("mock",)
    assert second is first
    assert wrapped == ["gemma3"]


def test_an_llm_tells_how_its_chain_of_thought_asks_once_and_again_when_replaced() -> None:
    per_field = ConfiguredLLM("a", ChatFormat(), BasicChainOfThought(), FakeConnector())
    per_product = replace(per_field, chain_of_thought=AllFieldsChainOfThought())
    shared = replace(per_field, chain_of_thought=ConversationChainOfThought())

    assert (per_field.scope, per_product.scope, shared.scope) == (
        "field",
        "product",
        "shared_prefix",
    )
    assert replace(per_product, chain_of_thought=BasicChainOfThought()).scope == "field"
