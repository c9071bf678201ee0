"""A deterministic stand-in for a model, for tests, demos and benchmarks.

It answers a value of the type the answer schema asks for, read from the product text when it can
(an option that appears in it, the first number in it, the first range it writes as `{"min",
"max"}`, a list of one such value for an array), with a confidence of 0.9 when it read
the value in the text and 0.3 when it could not (the first option, 1 for a number). Knobs: a
latency per call, fields whose calls stall past the deadline, and a number of first calls per
field that fail transiently.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from src.domain.confidence.tokens import TokenProbability
from src.domain.errors import TransientBackendError
from src.domain.model import TokenUsage
from src.domain.model.kinds.written_ranges import written_ranges
from src.domain.model.text_normalisation import comparison_key
from src.domain.model.values import parse_number
from src.domain.prompting.families import approximate_tokens
from src.domain.prompting.prompt import Completion, CompletionRequest

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True, slots=True)
class MockBehaviour:
    latency_ms: float = 0.0
    stall_fields: frozenset[str] = frozenset()
    stall_past_deadline_s: float = 1.0
    fail_first: int = 0


@dataclass(slots=True)
class MockConnector:
    """Answers `{"value": …}` as a model constrained by the answer schema would."""

    behaviour: MockBehaviour = MockBehaviour()
    _calls: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def complete(self, request: CompletionRequest) -> Completion:
        with self._lock:
            self._calls[request.field_code] += 1
            call_number = self._calls[request.field_code]
        if call_number <= self.behaviour.fail_first:
            raise TransientBackendError(f"mock: call {call_number} for {request.field_code} fails")
        if request.field_code in self.behaviour.stall_fields:
            time.sleep(
                max(0.0, request.deadline - time.monotonic()) + self.behaviour.stall_past_deadline_s
            )
            raise TransientBackendError(f"mock: {request.field_code} stalled")
        if self.behaviour.latency_ms:
            time.sleep(self.behaviour.latency_ms / 1000)
        prompt = request.text
        found = _last_product_text(prompt)
        product_text = prompt if found is None else found
        value, read = _answer(request.answer_schema or {}, product_text)
        text = json.dumps({"value": value}, ensure_ascii=False)
        usage = TokenUsage(approximate_tokens(prompt), approximate_tokens(text))
        return Completion(
            text, usage, (TokenProbability(text, READ_CONFIDENCE if read else GUESS_CONFIDENCE),)
        )

    def count_tokens(self, text: str) -> int | None:
        return None


def _last_product_text(prompt: str) -> str | None:
    """The text of the prompt's last product block: the question's, after the shots'."""
    end = prompt.rfind('\n"""')
    start = prompt.rfind('"""\n', 0, end)
    return prompt[start + 4 : end] if start >= 0 and end > start else None


READ_CONFIDENCE = 0.9
GUESS_CONFIDENCE = 0.3


def _answer(schema: Mapping[str, Any], product_text: str) -> tuple[object, bool]:
    """The answer, and whether it was read in the text."""
    value_schema = schema.get("properties", {}).get("value", {})
    alternatives = [s for s in value_schema.get("anyOf", []) if s.get("type") != "null"]
    if alternatives:
        value_schema = alternatives[0]
    if value_schema.get("type") == "array":
        item, found = _answer(
            {"properties": {"value": value_schema.get("items", {})}}, product_text
        )
        return ([item] if found or item is not None else []), found
    if {"min", "max"} <= set(value_schema.get("properties", {})):
        written = next(written_ranges(product_text), None)
        if written is None:
            return None, False
        return {"min": written.low, "max": written.high}, True
    if "enum" in value_schema:
        options = [option for option in value_schema["enum"] if option is not None]
        text = comparison_key(product_text)
        for option in options:
            key = comparison_key(option)
            # a whole word or phrase of the text, even next to punctuation ("noir," "(noir)")
            if key and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text):
                return option, True
        return (options[0] if options else None), False
    types = value_schema.get("type", [])
    if "number" in types:
        match = _NUMBER.search(product_text)
        return (parse_number(match.group(0)), True) if match else (1, False)
    if "boolean" in types:
        return True, False
    return " ".join(product_text.split()[:3]) or None, True
