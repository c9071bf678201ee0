"""A slow local model that takes turns like the embedded llama.cpp one: one completion at a time,
first come first served, a product's completions in one turn, and a wait that ends at the
deadline. Its answers are `{"value": null}` unless told otherwise."""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager

from src.connectors.model_turns import ModelTurns
from src.domain.errors import DeadlinePassedError
from src.domain.prompting.prompt import Completion, CompletionRequest


class SlowLocalModel:
    """`seconds_per_call` of work per completion, in turns; records what it completed, in order."""

    def __init__(self, seconds_per_call: float, answer: str = '{"value": null}') -> None:
        self._seconds_per_call = seconds_per_call
        self._answer = answer
        self._turns = ModelTurns("the slow local model")
        self._lock = threading.Lock()
        self.completed: list[str] = []

    def complete(self, request: CompletionRequest) -> Completion:
        with self._turns.hold(request.deadline, request.field_code):
            if time.monotonic() >= request.deadline:
                raise DeadlinePassedError(f"the deadline of {request.field_code} has passed")
            time.sleep(self._seconds_per_call)
            with self._lock:
                self.completed.append(request.field_code)
            return Completion(self._answer)

    def turn(self, deadline: float) -> AbstractContextManager[None]:
        return self._turns.hold(deadline, "a product")

    def count_tokens(self, text: str) -> int | None:
        return None
