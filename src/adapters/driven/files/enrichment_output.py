"""Where enriched products go: one JSON line or one CSV row per product, appended and flushed as
each product finishes, so that a run stopped in any way (Ctrl-C, kill -9) loses at most the
products in flight.

An existing file is resumed: the ids it holds are done, and a torn last line (a write cut short)
is cut off first. A JSON line is `{"id", "values": {code: value}, "status": {code: status},
"llm", "confidence", "evidence", "review"}`. A CSV file has the columns `id`, one per field code,
`review`, `confidence`, `evidence` (see `enrichment_trust.py`), `status` ("ok", or the fields
that are not, as `CODE=status` separated by spaces) and `llm`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from src.adapters.driven.files.enrichment_records import RecordFormat, record_format
from src.adapters.driven.files.product_files import product_file_format
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.errors import DataFileError, InvalidRequestError


class EnrichmentOutput:
    """An output file open for appending. `done` holds the ids (as text) it held when opened."""

    def __init__(
        self, path: Path, format_: RecordFormat, codes: list[str], done: set[str], dropped: int
    ) -> None:
        self.path = path
        self.done = frozenset(done)
        self.dropped_bytes = dropped
        """The length of the torn last line cut off when the file was opened."""
        self._format = format_
        self._codes = codes
        self._file = path.open("ab", buffering=0)

    def write(self, product: EnrichedProduct) -> None:
        """Appends one product; it is in the file (if not yet on disk) when this returns."""
        data = memoryview(self._format.encode(product, self._codes))
        while data:  # an unbuffered write may take part of it; the rest follows at once
            written = self._file.write(data) or 0
            data = data[written:]

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> EnrichmentOutput:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_output(path: Path, codes: Sequence[str]) -> EnrichmentOutput:
    """Opens `path` to receive products looked up for `codes`: resumes it if it exists (cutting a
    torn last line off), creates it otherwise."""
    format_ = record_format(product_file_format(path))
    wanted = list(dict.fromkeys(codes))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    except IsADirectoryError:
        raise InvalidRequestError(f"{path} is a directory") from None
    complete = format_.complete_prefix(data)
    if complete < len(data):
        with path.open("r+b") as file:
            file.truncate(complete)
    try:
        done, columns = format_.read(data[:complete].decode("utf-8"), path)
    except UnicodeDecodeError as error:
        raise DataFileError(
            str(path), None, f"not UTF-8 text ({error.reason}): choose another --out"
        ) from None
    if columns is None:
        columns = wanted
        if complete == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(format_.header(columns))
    elif missing := [code for code in wanted if code not in columns]:
        raise InvalidRequestError(
            f"{path} has no column for {', '.join(missing)}: "
            "choose another --out to look up other fields"
        )
    return EnrichmentOutput(path, format_, columns, done, len(data) - complete)
