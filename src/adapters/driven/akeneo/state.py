"""The state of an enrichment in Akeneo, in a local file: a JSON line per product settled (its
values written, or nothing to write) or refused, appended and synced to disk after each batch,
so that a run stopped in any way goes on where it stopped without writing a product twice. A run
as a catalogue job records the job it submitted, and then that all its results were collected:
a run stopped in between collects that job's results rather than submitting another. The values
written to product models are recorded too (`model`), so that no model attribute is written
twice."""

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
        self._open_job: str | None = None
        self._models_written: set[tuple[str, str]] = set()
        if path.exists():
            for text in path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(text)
                except ValueError:
                    continue
                if isinstance(record, dict):
                    self._read(record)
        self._file: IO[str] | None = None

    @property
    def done(self) -> Set[str]:
        return self._done

    @property
    def open_job(self) -> str | None:
        """The job submitted last whose results were not all collected, if any."""
        return self._open_job

    def record_job(self, job_id: str, collected: bool = False) -> None:
        """Records for good that the job `job_id` was submitted, or that its results were all
        collected (`collected`)."""
        self.record([{"job": job_id, "collected": collected}])

    @property
    def models_written(self) -> Set[tuple[str, str]]:
        """The (product model, attribute) pairs written."""
        return self._models_written

    def _read(self, record: dict[str, Any]) -> None:
        if "model" in record:
            model = str(record["model"])
            self._models_written.update((model, str(code)) for code in record.get("written", []))
        elif "written" in record:
            self._done.add(str(record["uuid"]))
        elif "job" in record:
            self._open_job = None if record.get("collected") else str(record["job"])

    def record(self, records: Sequence[dict[str, Any]]) -> None:
        """Appends `records` (each with `uuid`, and `written` when settled) for good."""
        if not records:
            return
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        for record in records:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._read(record)
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
