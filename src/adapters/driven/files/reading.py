"""What goes wrong reading a data file, said as a DataFileError that names the file."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from src.domain.errors import DataFileError


@contextmanager
def read_errors(path: Path) -> Iterator[None]:
    """Turns a missing file, a text that is not UTF-8 and CSV that cannot be read into a
    DataFileError naming `path`; other errors (a DataFileError of a row) pass as they are."""
    try:
        yield
    except FileNotFoundError:
        raise DataFileError(str(path), None, "no such file") from None
    except UnicodeDecodeError as error:
        raise DataFileError(str(path), None, f"not UTF-8 text ({error.reason})") from None
    except csv.Error as error:
        raise DataFileError(str(path), None, f"not readable as CSV: {error}") from None
