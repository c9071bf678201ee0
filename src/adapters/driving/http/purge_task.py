"""The purge, run by each server process every PURGE_INTERVAL_SECONDS in the background (on a
thread: the deletes block), as long as the app runs."""

from __future__ import annotations

import asyncio
import logging

from src.bootstrap import Container
from src.domain.errors import StorageUnavailableError
from src.domain.purging.purge import Purging

log = logging.getLogger(__name__)


async def purge_periodically(purging: Purging, interval_seconds: float) -> None:
    """Forever: a bounded pass, then the interval; while passes fill their batch (a backlog),
    one a second at most. A database away is logged and tried later."""
    while True:
        try:
            deleted = await asyncio.to_thread(purging.purge_once)
        except StorageUnavailableError as error:
            log.warning("purge skipped: %s", error)
            deleted = {}
        if any(deleted.values()):
            log.info("purged %s", ", ".join(f"{count} {name}" for name, count in deleted.items()))
        backlog = purging.filled_a_batch(deleted)
        await asyncio.sleep(min(1.0, interval_seconds) if backlog else interval_seconds)


def background_purge(container: Container) -> asyncio.Task[None] | None:
    """The purge task of this process, started on the running loop; None when
    PURGE_INTERVAL_SECONDS is 0."""
    interval = container.settings.purge_interval_seconds
    if not interval:
        return None
    return asyncio.get_running_loop().create_task(purge_periodically(container.purging, interval))
