"""Turns at a model that runs one completion at a time: first come, first served, by deadline."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from src.domain.errors import DeadlinePassedError


class ModelTurns:
    """A first-come, first-served lock on one model, re-entrant for the thread that holds it,
    whose waits end at a deadline.

    A product's fields run in one turn (`hold` around all of them), each field's completion
    taking the turn again at no cost; another thread waits, in the order it came, until the
    turn is free, or until its deadline, when it gets DeadlinePassedError: waiting for a busy
    model is not a failure of the model.
    """

    def __init__(self, model_name: str) -> None:
        self._model_name = model_name
        self._condition = threading.Condition()
        self._waiting: deque[object] = deque()
        self._owner: int | None = None
        self._depth = 0

    @contextmanager
    def hold(self, deadline: float, what: str) -> Iterator[None]:
        """The model for this thread until the block ends; `what` names the work in errors."""
        self._acquire(deadline, what)
        try:
            yield
        finally:
            self._release()

    def _acquire(self, deadline: float, what: str) -> None:
        me = threading.get_ident()
        with self._condition:
            if self._owner == me:
                self._depth += 1
                return
            ticket = object()
            self._waiting.append(ticket)
            try:
                while self._owner is not None or self._waiting[0] is not ticket:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise DeadlinePassedError(
                            f"{self._model_name} was busy with other work "
                            f"until the deadline of {what}"
                        )
                    self._condition.wait(left)
            except BaseException:
                self._waiting.remove(ticket)
                self._condition.notify_all()
                raise
            self._waiting.popleft()
            self._owner = me
            self._depth = 1

    def _release(self) -> None:
        with self._condition:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._condition.notify_all()
