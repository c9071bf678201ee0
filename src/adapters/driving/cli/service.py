"""The wired service of one CLI command: built by the composition root, checked to be migrated,
closed when the command ends, its errors reported as one line and an exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from src.adapters.driving.cli.errors import reported_errors
from src.bootstrap import Container, bootstrap
from src.domain.errors import StorageUnavailableError


@contextmanager
def service(needs_schema: bool = True) -> Iterator[Container]:
    """The container for the environment's settings, checked to be migrated unless the
    command needs no schema."""
    with reported_errors():
        container = bootstrap()
        try:
            if needs_schema and container.pending_migrations():
                raise StorageUnavailableError(
                    "the database is not migrated: run `python cli.py migrate` first"
                )
            yield container
        finally:
            container.close()
