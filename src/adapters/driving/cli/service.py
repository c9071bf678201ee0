"""The wired service of one CLI command: built by the composition root, checked to be migrated,
closed when the command ends, its errors reported as one line and an exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from config.settings import Settings
from src.adapters.driven.storage.migrations import pending_migrations
from src.adapters.driving.cli.errors import reported_errors
from src.bootstrap import Container, bootstrap
from src.domain.errors import StorageUnavailableError


@contextmanager
def service(needs_schema: bool = True, lookup_cache: bool = True) -> Iterator[Container]:
    """The container for the environment's settings; `lookup_cache=False` leaves the cache out
    whatever LOOKUP_CACHE says (an evaluation measures every pair and remembers none)."""
    with reported_errors():
        settings = Settings.from_env()
        container = bootstrap(settings if lookup_cache else replace(settings, lookup_cache=False))
        try:
            if needs_schema and pending_migrations(container.database):
                raise StorageUnavailableError("the database is not migrated: run `python cli.py migrate` first")
            yield container
        finally:
            container.close()
