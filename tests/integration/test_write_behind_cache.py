"""The lookup's answers reach the cache through one writer that writes behind the lookups: while
it writes, the answers of the lookups that finish meanwhile wait and go in its next write,
together, and none is lost; answers not written yet are already hits."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from src.adapters.driven.cache.write_behind import WriteBehindCache
from src.domain.catalogue.ports import Catalogue
from src.domain.lookup.cache import CachedAnswer
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.model import LookupRequest
from src.domain.prompting.chain_of_thought import BasicChainOfThought
from src.domain.prompting.families import ChatFormat
from tests.support.fakes import FakeConnector, FakeExampleRepository, FakeFieldRepository
from tests.unit.test_lookup_service import FIELDS

CODES = tuple(field.code for field in FIELDS)


class GatedCache:
    """A backend that stores what it is given and counts what it is asked; its first write
    waits until `gate` is set; with `broken`, every write fails."""

    def __init__(self, broken: bool = False) -> None:
        self.gate = threading.Event()
        self.broken = broken
        self.stored: dict[str, CachedAnswer] = {}
        self.writes: list[int] = []
        self.reads: list[list[str]] = []
        self._lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, CachedAnswer]:
        with self._lock:
            self.reads.append(list(keys))
            return {key: self.stored[key] for key in keys if key in self.stored}

    def put_many(self, answers: dict[str, CachedAnswer]) -> None:
        if self.broken:
            self.writes.append(len(answers))
            raise OSError("the cache's disk is full")
        if not self.writes:
            self.writes.append(0)  # under way
            self.gate.wait(timeout=5)
            self.writes[0] = len(answers)
        else:
            self.writes.append(len(answers))
        with self._lock:
            self.stored.update(answers)

    def holds(self, count: int) -> bool:
        with self._lock:
            return len(self.stored) >= count


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=4)
    yield executor
    executor.shutdown(wait=True)


def lookups(
    pool: ThreadPoolExecutor, backend: GatedCache, connector: FakeConnector
) -> FieldLookupService:
    llms = LLMRegistry(
        {"fake": lambda: ConfiguredLLM("fake", ChatFormat(), BasicChainOfThought(), connector)},
        default="fake",
    )
    cache = WriteBehindCache(backend, pool)
    return FieldLookupService(
        llms, Catalogue(FakeFieldRepository(FIELDS), FakeExampleRepository()), pool, 5.0, cache
    )


def product(n: int) -> LookupRequest:
    return LookupRequest(f"produit {n}", CODES)


def test_answers_finished_during_a_write_go_in_the_next_one_and_none_is_lost(
    pool: ThreadPoolExecutor,
) -> None:
    backend = GatedCache()
    service = lookups(pool, backend, FakeConnector())

    service.lookup(product(0))
    assert _until(lambda: bool(backend.writes))  # the first write is under way, held
    for n in range(1, 5):
        service.lookup(product(n))
    backend.gate.set()

    assert _until(lambda: backend.holds(5 * len(CODES)))
    assert backend.writes == [len(CODES), 4 * len(CODES)]
    again = service.lookup(product(3))
    assert all(outcome.cached for outcome in again.outcomes)


def test_an_immediate_repeat_is_a_hit_before_the_answers_are_written(
    pool: ThreadPoolExecutor,
) -> None:
    backend, connector = GatedCache(), FakeConnector()
    service = lookups(pool, backend, connector)

    first = service.lookup(product(1))
    assert _until(lambda: bool(backend.writes))  # being written, held: not in the backend yet
    repeat = service.lookup(product(1))
    another = service.lookup(product(2))  # not answered yet: the backend is asked
    queued = service.lookup(product(2))  # its answers wait for the next write: hits already

    assert not any(outcome.cached for outcome in first.outcomes)
    assert all(outcome.cached for outcome in repeat.outcomes)
    assert not any(outcome.cached for outcome in another.outcomes)
    assert all(outcome.cached for outcome in queued.outcomes)
    assert repeat.values() == first.values()
    assert len(connector.requests) == 2 * len(CODES)  # the repeat asked the model nothing
    assert len(backend.reads) == 2  # the first lookup and the other product: not the repeats
    backend.gate.set()
    assert _until(lambda: backend.holds(2 * len(CODES)))
    assert all(outcome.cached for outcome in service.lookup(product(1)).outcomes)
    assert len(backend.reads) == 3  # once written, the backend serves it


def test_a_write_that_fails_loses_only_those_answers(
    pool: ThreadPoolExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    backend, connector = GatedCache(broken=True), FakeConnector()
    service = lookups(pool, backend, connector)

    with caplog.at_level(logging.WARNING):
        result = service.lookup(product(1))
        assert _until(lambda: bool(backend.writes))
        assert _until(lambda: "could not store" in caplog.text)

    assert {outcome.field_code for outcome in result.outcomes} == set(CODES)
    assert "produit" not in caplog.text  # no product text in a log
    again = service.lookup(product(1))
    assert not any(outcome.cached for outcome in again.outcomes)
    assert len(connector.requests) == 2 * len(CODES)


def _until(condition: Callable[[], bool], within: float = 5.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False
