"""Awaiting a group of thread-pool futures from the event loop, with a single wake-up.

Wrapping each future (`asyncio.wrap_future`) costs one cross-thread wake-up of the loop per
field; a lookup only needs to wake when the last field is done or the deadline passes.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Collection
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


async def wait_all(futures: Collection[Future[T]], timeout: float) -> None:
    """Returns when every future is done, or after `timeout` seconds, whichever comes first."""
    if not futures:
        return
    loop = asyncio.get_running_loop()
    all_done: asyncio.Future[None] = loop.create_future()
    remaining = len(futures)
    lock = threading.Lock()

    def settle() -> None:
        if not all_done.done():
            all_done.set_result(None)

    def one_done(_: Future[T]) -> None:
        nonlocal remaining
        with lock:
            remaining -= 1
            last = remaining == 0
        if last:
            loop.call_soon_threadsafe(settle)

    for future in futures:
        future.add_done_callback(one_done)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(all_done, timeout)
