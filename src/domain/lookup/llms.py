"""Named LLMs, as a config module wires them, built once on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from src.domain.errors import UnknownLLMError
from src.domain.prompting.ports import (
    LLM,
    ChainOfThought,
    Connector,
    Prepass,
    ProductChainOfThought,
)
from src.domain.prompting.shared_prefix.ports import SharedPrefixChainOfThought


@dataclass(frozen=True, slots=True)
class ConfiguredLLM:
    """One named LLM: its prompt format (the LLM port: a model family's), a chain of thought and
    a connector to the model.

    The chain of thought asks one field per call, or every field of a product in one call; a
    `prepass`, when set, answers the fields it reads reliably in the text before the model is
    asked.
    """

    name: str
    prompt_format: LLM
    chain_of_thought: ChainOfThought | ProductChainOfThought | SharedPrefixChainOfThought
    connector: Connector
    fallbacks: tuple[str, ...] = ()
    prepass: Prepass | None = None
    escalate_to: str | None = None
    """Another LLM that answers again the values this one is unsure of (see `escalation.py`)."""

    @property
    def scope(self) -> Literal["field", "product", "shared_prefix"]:
        """How the chain of thought asks: a field a call, a product a call, or a product's fields
        in one turn from a shared prefix. The chain of thought's own tag, so that comparing
        `chain_of_thought.scope` narrows the union for the type checker."""
        return self.chain_of_thought.scope

    @property
    def strategy(self) -> str:
        """The strategy's name as results report it: "few_shot", "prepass+all_fields"."""
        return (
            f"{self.prepass.name}+{self.chain_of_thought.name}"
            if self.prepass
            else self.chain_of_thought.name
        )


LLMFactory = Callable[[], ConfiguredLLM]


class LLMRegistry:
    """The configured LLMs by name. Each is built on first use, once, even under concurrency
    (so a local model is loaded once per process, and only if it is asked for)."""

    def __init__(
        self,
        factories: Mapping[str, LLMFactory],
        default: str,
        wrap: Callable[[ConfiguredLLM], ConfiguredLLM] | None = None,
    ) -> None:
        if default not in factories:
            raise ValueError(f"the default LLM {default!r} is not among {sorted(factories)}")
        self._factories = dict(factories)
        self._default = default
        self._wrap = wrap or (lambda configured: configured)
        self._built: dict[str, ConfiguredLLM] = {}
        self._lock = threading.Lock()

    @property
    def default(self) -> str:
        return self._default

    def names(self) -> list[str]:
        """The configured names, the default first."""
        return [self._default, *(name for name in self._factories if name != self._default)]

    def resolve_name(self, name: str | None) -> str:
        """The name that `name` (None: the default) designates; UnknownLLMError if none."""
        chosen = name or self._default
        if chosen not in self._factories:
            raise UnknownLLMError(chosen, self.names())
        return chosen

    def get(self, name: str | None = None) -> ConfiguredLLM:
        chosen = self.resolve_name(name)
        built = self._built.get(chosen)
        if built is not None:
            return built
        with self._lock:
            if chosen not in self._built:
                self._built[chosen] = self._wrap(self._factories[chosen]())
            return self._built[chosen]
