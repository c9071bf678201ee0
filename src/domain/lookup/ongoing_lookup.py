"""A lookup request under way, between its start and its answer."""

from __future__ import annotations

import time
from concurrent.futures import Future
from dataclasses import dataclass, field

from src.domain.lookup.cache import CACHEABLE, CachedAnswer
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import Field, FieldOutcome, LookupResult, OutcomeStatus, TokenUsage
from src.domain.trust.annotate import with_trust


@dataclass(slots=True)
class OngoingLookup:
    """A request under way: outcomes known at once (unknown fields, cache hits), and the
    model calls submitted to the pool."""

    llm: ConfiguredLLM
    codes: tuple[str, ...]
    started: float
    deadline: float
    ready: dict[str, FieldOutcome] = field(default_factory=dict)
    futures: dict[str, Future[FieldOutcome]] = field(default_factory=dict)
    cache_keys: dict[str, str] = field(default_factory=dict)
    description: str = ""
    fields: dict[str, Field] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    locate: bool = True
    """Whether values are located in the text (see `LookupRequest.evidence`)."""

    def trusted(self, outcome: FieldOutcome) -> FieldOutcome:
        """The outcome with its evidence and review flag (see `with_trust`)."""
        code = outcome.field_code
        return with_trust(
            outcome,
            self.fields.get(code),
            self.description,
            self.thresholds.get(code),
            self.locate,
        )

    def result(self) -> LookupResult:
        """What the request answers now: each field's outcome, in request order; a field not
        answered yet is a `timeout` (its call, when it has not started, is cancelled)."""
        waited_ms = (time.monotonic() - self.started) * 1000
        outcomes = []
        for code in self.codes:
            future = self.futures.get(code)
            if future is None and code in self.ready:
                outcomes.append(self.ready[code])
            elif future is not None and future.done() and not future.cancelled():
                outcomes.append(future.result())
            else:
                if future is not None:
                    future.cancel()
                outcomes.append(
                    FieldOutcome(
                        code,
                        None,
                        OutcomeStatus.TIMEOUT,
                        elapsed_ms=waited_ms,
                        error=f"no answer within {self.deadline - self.started:g} s",
                        llm=self.llm.name,
                    )
                )
        usage = sum((o.usage for o in outcomes if o.usage), TokenUsage())
        return LookupResult(
            self.llm.name, tuple(self.trusted(o) for o in outcomes), waited_ms, usage
        )

    def answers_to_keep(self, result: LookupResult) -> dict[str, CachedAnswer]:
        """The new answers of `result` worth caching, by cache key."""
        return {
            self.cache_keys[o.field_code]: CachedAnswer(
                o.value,
                o.status,
                o.raw,
                o.confidence,
                None if o.items is None else tuple(item.confidence for item in o.items),
            )
            for o in result.outcomes
            if o.status in CACHEABLE
            and not o.cached
            and o.field_code in self.cache_keys
            and o.llm == self.llm.name  # a fallback's answer is not the asked LLM's to keep
        }
