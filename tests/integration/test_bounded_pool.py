"""run_bounded: a bounded number of items in flight, every result handed back once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future

import pytest

from src.adapters.driving.cli.bounded_pool import run_bounded


class _Gauge:
    """Counts the calls in flight and remembers the most seen at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.most = 0

    def work(self, item: int) -> int:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.01)
        with self._lock:
            self.now -= 1
        if item == 13:
            raise ValueError("thirteen")
        return item * 2


def _slowly(item: int) -> int:
    time.sleep(0.01)
    return item


def test_at_most_n_in_flight_and_every_item_handed_back_once() -> None:
    gauge = _Gauge()
    handed: dict[int, object] = {}
    caller = threading.current_thread()

    def on_done(item: int, future: Future[int]) -> None:
        assert threading.current_thread() is caller
        assert item not in handed
        handed[item] = future.exception() or future.result()

    run_bounded(gauge.work, iter(range(40)), 3, on_done)

    assert gauge.most == 3
    assert sorted(handed) == list(range(40))
    assert handed[5] == 10 and isinstance(handed[13], ValueError)


def test_an_error_in_on_done_stops_taking_items() -> None:
    taken: list[int] = []

    def items() -> Iterator[int]:
        for item in range(100):
            taken.append(item)
            yield item

    def on_done(item: int, future: Future[int]) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        run_bounded(_slowly, items(), 2, on_done)
    assert len(taken) <= 4


def test_ctrl_c_hands_back_the_items_in_flight_and_takes_no_more() -> None:
    taken: list[int] = []
    handed: list[int] = []
    told: list[int] = []

    def items() -> Iterator[int]:
        for item in range(100):
            taken.append(item)
            yield item

    def on_done(item: int, future: Future[int]) -> None:
        if not handed and not told:
            raise KeyboardInterrupt  # as if Ctrl-C came while the first result was handed back
        handed.append(future.result())

    with pytest.raises(KeyboardInterrupt):
        run_bounded(_slowly, items(), 3, on_done, told.append)

    assert taken == [0, 1, 2]
    assert told == [2] and len(handed) == 2
