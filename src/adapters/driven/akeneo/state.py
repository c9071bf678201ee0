"""The state of an enrichment in Akeneo, in a local file: a JSON line per product settled (its
values written, or nothing to write) or refused, appended and synced to disk after each batch,
so that a run stopped in any way goes on where it stopped without writing a product twice."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence, Set
from pathlib import Path
from typing import IO, Any


class EnrichmentState:
    """The products already settled, read from `path` (a torn last line is ignored: that
    product is done again)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._done: set[str] = set()
        if path.exists():
            for text in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(text)
                except ValueError:
                    continue
                if isinstance(record, dict) and "written" in record:
                    self._done.add(str(record["uuid"]))
        self._file: IO[str] | None = None

    @property
    def done(self) -> Set[str]:
        return self._done

    def record(self, records: Sequence[dict[str, Any]]) -> None:
        """Appends `records` (each with `uuid`, and `written` when settled) for good."""
        if not records:
            return
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        for record in records:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
            if "written" in record:
                self._done.add(str(record["uuid"]))
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
