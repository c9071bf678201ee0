"""Runs a function over many items with a bounded number in flight, handing each finished item
back to the calling thread, so that one thread alone writes the results."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(
    work: Callable[[T], R],
    items: Iterable[T],
    concurrency: int,
    on_done: Callable[[T, Future[R]], None],
    on_interrupt: Callable[[int], None] = lambda in_flight: None,
) -> None:
    """Calls `work(item)` on `concurrency` threads, at most that many items at a time, taken
    from `items` only as room frees up. `on_done(item, future)` runs in the calling thread as
    each item finishes (in the order they finish); if it raises, the run stops.

    Ctrl-C stops taking items, tells `on_interrupt` how many are in flight, hands those to
    `on_done` as they finish, then raises KeyboardInterrupt. A second Ctrl-C leaves them.
    """
    pending = iter(items)
    pool = ThreadPoolExecutor(concurrency, thread_name_prefix="enrich")
    in_flight: dict[Future[R], T] = {}

    def submit(batch: Iterable[T]) -> None:
        for item in batch:
            in_flight[pool.submit(work, item)] = item

    try:
        submit(islice(pending, concurrency))
        while in_flight:
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                on_done(in_flight.pop(future), future)
            submit(islice(pending, concurrency - len(in_flight)))
    except KeyboardInterrupt:
        on_interrupt(len(in_flight))
        for future in as_completed(list(in_flight)):
            on_done(in_flight.pop(future), future)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
