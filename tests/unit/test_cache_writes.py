"""The lookup's answers reach the cache through one writer: while it writes, the answers of the
lookups that finish meanwhile wait and go in its next write, together, and none is lost."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from src.domain.lookup.cache import CachedAnswer
from src.domain.lookup.llms import ConfiguredLLM, LLMRegistry
from src.domain.lookup.service import FieldLookupService
from src.domain.prompting.chain_of_thought import BasicStrategy
from src.domain.prompting.families import ChatFormat
from tests.unit.test_lookup_service import (
    FIELDS,
    FakeConnector,
    FakeExampleRepository,
    FakeFieldRepository,
    request,
)


class GatedCache:
    """Stores what it is given; its first write waits until `gate` is set."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.stored: dict[str, CachedAnswer] = {}
        self.writes: list[int] = []
        self._lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, CachedAnswer]:
        with self._lock:
            return {key: self.stored[key] for key in keys if key in self.stored}

    def put_many(self, answers: dict[str, CachedAnswer]) -> None:
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


def test_answers_finished_during_a_write_go_in_the_next_one_and_none_is_lost() -> None:
    cache = GatedCache()
    llms = LLMRegistry(
        {"fake": lambda: ConfiguredLLM("fake", ChatFormat(), BasicStrategy(), FakeConnector())}, default="fake"
    )
    codes = tuple(field.code for field in FIELDS)
    with ThreadPoolExecutor(max_workers=4) as pool:
        service = FieldLookupService(llms, FakeFieldRepository(FIELDS), FakeExampleRepository(), pool, 5.0, cache)

        service.lookup(request(*codes, description="produit 0"))
        assert _until(lambda: bool(cache.writes))  # the first write is under way, held
        for n in range(1, 5):
            service.lookup(request(*codes, description=f"produit {n}"))
        cache.gate.set()

        assert _until(lambda: cache.holds(5 * len(codes)))
        assert cache.writes == [len(codes), 4 * len(codes)]
        again = service.lookup(request(*codes, description="produit 3"))

    assert all(outcome.cached for outcome in again.outcomes)


def _until(condition: Callable[[], bool], within: float = 5.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False
