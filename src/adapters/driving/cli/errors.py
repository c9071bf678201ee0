"""One table from domain errors to exit codes, and the one place that prints them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from src.domain.errors import (
    ConfigurationError,
    DataFileError,
    FieldLookupError,
    InvalidRequestError,
    StorageUnavailableError,
)

EXIT_CODE_OF: dict[type[Exception], int] = {
    InvalidRequestError: 2,
    DataFileError: 3,
    StorageUnavailableError: 4,
    ConfigurationError: 5,
}


def exit_code_of(error: Exception) -> int:
    for kind in type(error).__mro__:
        if kind in EXIT_CODE_OF:
            return EXIT_CODE_OF[kind]
    return 1


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turns the service's errors into one line on stderr and an exit code, no traceback."""
    try:
        yield
    except FieldLookupError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(exit_code_of(error)) from None
