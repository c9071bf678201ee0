"""A lookup request under way, between its start and its answer."""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from src.domain.confidence.calibration_map import CalibrationMap
from src.domain.lookup.cache import CACHEABLE, CachedAnswer
from src.domain.lookup.known_value_rules import text_codes
from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import (
    Field,
    FieldOutcome,
    LookupResult,
    OutcomeSource,
    OutcomeStatus,
    TokenUsage,
)
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
    trust: bool = True
    """Whether outcomes get their trust signals (see `LookupRequest.trust`)."""
    calibration: CalibrationMap = field(default_factory=CalibrationMap)
    """The LLM's calibration map, for its own answers' confidences."""
    exclude: str | None = None
    """The example text whose labels do not count (`LookupRequest.exclude_example_context`)."""

    @property
    def text_codes(self) -> frozenset[str]:
        """The asked fields whose values are spans of the text."""
        return text_codes(self.fields)

    @property
    def weighs_shared_values(self) -> bool:
        """Whether a value the model gives several text fields is kept for one only
        (`one_field_per_value.py`): for an LLM with a pre-pass, asked two text fields or more."""
        return self.llm.prepass is not None and len(self.text_codes) > 1

    def held(self, outcome: FieldOutcome) -> bool:
        """Whether a stream holds `outcome` back to the end, where another text field may
        answer its value too."""
        return (
            self.weighs_shared_values
            and outcome.field_code in self.text_codes
            and outcome.source is OutcomeSource.MODEL
            and outcome.status is OutcomeStatus.OK
            and isinstance(outcome.value, str)
        )

    def trusted(self, outcome: FieldOutcome) -> FieldOutcome:
        """The outcome with its confidences calibrated, its evidence and its review flag (see
        `with_trust`); as given when the request asked for values alone."""
        if not self.trust:
            return outcome
        code = outcome.field_code
        return with_trust(
            self._calibrated(outcome),
            self.fields.get(code),
            self.description,
            self.thresholds.get(code),
        )

    def raw_thresholds(self) -> dict[str, float]:
        """The thresholds as raw confidences of the model's answers, for the cascade, which
        decides before an answer is calibrated."""
        if not self.calibration.groups:
            return self.thresholds
        return {
            code: self.calibration.raw_threshold(threshold, OutcomeSource.MODEL)
            for code, threshold in self.thresholds.items()
        }

    def _calibrated(self, outcome: FieldOutcome) -> FieldOutcome:
        """The confidences of the LLM's own answer (and of its list's items) as its map gives
        them; another LLM's answer (a fallback's, the cascade's) keeps its own."""
        if outcome.confidence is None or outcome.llm not in (None, self.llm.name):
            return outcome
        if not self.calibration.groups:
            return outcome
        source = outcome.source
        items = outcome.items
        if items is not None:
            items = tuple(
                replace(item, confidence=self.calibration.calibrated(item.confidence, source))
                for item in items
            )
        confidence = self.calibration.calibrated(outcome.confidence, source)
        return replace(outcome, confidence=confidence, items=items)

    def result(self, answered: Sequence[FieldOutcome] | None = None) -> LookupResult:
        """The request's answer: `answered` (by default `answered()`) with their trust signals."""
        outcomes = self.answered() if answered is None else answered
        usage = sum((o.usage for o in outcomes if o.usage), TokenUsage())
        waited_ms = (time.monotonic() - self.started) * 1000
        return LookupResult(
            self.llm.name, tuple(self.trusted(o) for o in outcomes), waited_ms, usage
        )

    def answered(self) -> list[FieldOutcome]:
        """What the request answers now, as the backends and rules gave it: each field's
        outcome, in request order; a field not answered yet is a `timeout` (its call, when it
        has not started, is cancelled)."""
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
        return outcomes

    def answers_to_keep(self, answered: Sequence[FieldOutcome]) -> dict[str, CachedAnswer]:
        """The new answers worth caching, by cache key, with their raw confidences (a map saved
        later applies to them as read)."""
        return {
            self.cache_keys[o.field_code]: CachedAnswer(
                o.value,
                o.status,
                o.raw,
                o.confidence,
                None if o.items is None else tuple(item.confidence for item in o.items),
            )
            for o in answered
            if o.status in CACHEABLE
            and not o.cached
            and o.field_code in self.cache_keys
            and o.llm == self.llm.name  # a fallback's answer is not the asked LLM's to keep
        }
