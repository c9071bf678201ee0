"""Single flight: concurrent identical questions (the same cache key) make one backend call
within a process. The first asker leads: it makes the call; those who ask while it is under way
join it and get its answer. Across processes the database cache does the rest.

Each asker holds a future of its own, so that one giving up (its deadline passed) does not take
the answer from the others; the call itself is cancelled (when it has not started) only once
every asker has given up.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Generic, TypeVar

from src.domain.lookup.llms import ConfiguredLLM
from src.domain.model import FieldOutcome, LookupRequest

K = TypeVar("K")
T = TypeVar("T")
V = TypeVar("V")


@dataclass(slots=True)
class _Flight(Generic[T]):
    askers: list[tuple[Future[T], Callable[[T], T] | None]] = field(default_factory=list)
    """Each asker's own future, and how it sees the answer (None: as given, for the leader)."""
    call: Future[T] | None = None
    waiting: int = 0
    """Askers that have not given up."""


class SingleFlight(Generic[T]):
    """The calls under way, by key.

    Each asker costs one future of its own: the call's answer is handed to every asker's
    future when the call ends, under one lock taken once per request (not once per key)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight[T]] = {}

    def share(
        self,
        keys: Mapping[K, str],
        start: Callable[[list[K]], Mapping[K, Future[T]]],
        as_joined: Callable[[T], T] = lambda answer: answer,
    ) -> dict[K, Future[T]]:
        """A future answer for each of `keys` (an item's key): of the call under way for that
        key, seen through `as_joined`, or of one that `start` makes for the items nobody is
        asking about yet. Should `start` fail, those who joined its calls get its error."""
        mine: dict[K, _Asker[T]] = {item: _Asker(self) for item in keys}  # before the lock
        leading: list[tuple[K, _Flight[T]]] = []
        with self._lock:
            for item, key in keys.items():
                asker = mine[item]
                flight = self._flights.get(key)
                if flight is None:
                    flight = self._flights[key] = asker.flight
                    flight.askers.append((asker, None))
                    leading.append((item, flight))
                else:
                    asker.flight = flight
                    flight.askers.append((asker, as_joined))
                flight.waiting += 1
        try:
            calls = start([item for item, _ in leading]) if leading else {}
        except BaseException as error:
            for item, flight in leading:
                self._land(keys[item], flight, _failed(error))
            raise
        with self._lock:
            for item, flight in leading:
                flight.call = calls[item]
            abandoned = [calls[item] for item, flight in leading if flight.waiting == 0]
        for call in abandoned:
            call.cancel()
        for item, flight in leading:
            calls[item].add_done_callback(partial(self._land, keys[item], flight))
        return dict(mine)

    def _land(self, key: str, flight: _Flight[T], call: Future[T]) -> None:
        """The call is over: no one joins it any more, and its askers get its answer."""
        with self._lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
            askers, flight.askers = flight.askers, []
        if call.cancelled():
            for future, _ in askers:
                future.cancel()
            return
        error = call.exception()
        if error is not None:
            for future, _ in askers:
                _settle(future.set_exception, error)
            return
        answer = call.result()
        for future, seen in askers:
            _settle(future.set_result, answer if seen is None else seen(answer))

    def _let_go(self, flight: _Flight[T]) -> None:
        """An asker gave up (its future was cancelled)."""
        with self._lock:
            flight.waiting -= 1
            call = flight.call if flight.waiting == 0 else None
        if call is not None:
            call.cancel()  # only a call not started yet is cancelled


class _Asker(Future[T]):
    """An asker's own future: cancelling it (its deadline passed) lets go of the flight."""

    def __init__(self, flights: SingleFlight[T]) -> None:
        super().__init__()
        self.flight: _Flight[T] = _Flight()
        """A flight of its own, until it joins one under way."""
        self._flights = flights

    def cancel(self) -> bool:
        cancelled = super().cancel()
        if cancelled:
            self._flights._let_go(self.flight)
        return cancelled


def _settle(set_: Callable[[V], None], value: V) -> None:
    """Sets an asker's future; one that gave up (cancelled) takes nothing."""
    with contextlib.suppress(InvalidStateError):
        set_(value)


def _failed(error: BaseException) -> Future[T]:
    future: Future[T] = Future()
    future.set_exception(error)
    return future


def shared_field_calls(
    flights: SingleFlight[FieldOutcome] | None,
    llm: ConfiguredLLM,
    cache_keys: Mapping[str, str],
    codes: list[str],
    request: LookupRequest,
    start: Callable[[list[str]], Mapping[str, Future[FieldOutcome]]],
) -> dict[str, Future[FieldOutcome]]:
    """The lookup's calls for `codes`: `start(codes)`, or through `flights` when there are some
    and the LLM asks field by field, each field under its cache key (and the examples left out)."""
    if flights is None or llm.scope == "product":
        return dict(start(codes))
    keys = {code: f"{cache_keys[code]}:{request.exclude_example_context}" for code in codes}
    return flights.share(keys, start, as_joined=_answered_elsewhere)


def _answered_elsewhere(outcome: FieldOutcome) -> FieldOutcome:
    """An answer another request's call gave: like a cache hit, it cost this request no call."""
    return replace(outcome, cached=True, usage=None)
