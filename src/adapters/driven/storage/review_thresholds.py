"""The accept thresholds in the database, read by every lookup from a copy in memory that is at
most `refresh_seconds` old (a save in this process replaces it at once). One lookup reads the
table again when the copy is due; those arriving meanwhile go by the copy (a moment older)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from peewee import Database

from src.adapters.driven.storage.repositories import PeeweeRepository
from src.adapters.driven.storage.tables import ReviewThresholdRow, utc_now
from src.domain.trust.ports import FieldThreshold


class PeeweeThresholdStore(PeeweeRepository):
    def __init__(
        self,
        database: Database,
        refresh_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(database)
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._known: dict[tuple[str, str], float] = {}
        self._read_at: float | None = None
        self._saves = 0
        """Saves made in this process: a copy read before one is not kept after it."""
        self._reading = False
        self._lock = threading.Lock()

    def thresholds(self, llm: str, field_codes: Sequence[str]) -> dict[str, float]:
        known = self._current()
        return {code: known[(llm, code)] for code in field_codes if (llm, code) in known}

    def save(self, thresholds: Sequence[FieldThreshold]) -> None:
        now = utc_now()
        rows = [
            {
                "llm": t.llm,
                "field_code": t.field_code,
                "threshold": t.threshold,
                "target_precision": t.target_precision,
                "precision": t.precision,
                "coverage": t.coverage,
                "created_at": now,
            }
            for t in thresholds
        ]

        def work() -> None:
            with self._database.atomic():
                for row in rows:
                    ReviewThresholdRow.insert(**row).on_conflict(
                        conflict_target=[ReviewThresholdRow.llm, ReviewThresholdRow.field_code],
                        update={k: v for k, v in row.items() if k not in ("llm", "field_code")},
                    ).execute(self._database)

        self._run(work)
        with self._lock:
            self._saves += 1
            self._read_at = None

    def list_all(self) -> list[FieldThreshold]:
        query = ReviewThresholdRow.select().order_by(
            ReviewThresholdRow.llm, ReviewThresholdRow.field_code
        )
        return [
            FieldThreshold(
                r.llm, r.field_code, r.threshold, r.target_precision, r.precision, r.coverage
            )
            for r in self._run(lambda: list(query.execute(self._database)))
        ]

    def _current(self) -> dict[tuple[str, str], float]:
        with self._lock:
            if self._read_at is not None and (
                self._reading or self._clock() - self._read_at < self._refresh_seconds
            ):
                return self._known
            self._reading, saves = True, self._saves
        try:
            known = self._read_all()
        finally:
            with self._lock:
                self._reading = False
        with self._lock:
            if self._saves == saves:  # else a save came meanwhile: this read may predate it
                self._known, self._read_at = known, self._clock()
        return known

    def _read_all(self) -> dict[tuple[str, str], float]:
        query = ReviewThresholdRow.select(
            ReviewThresholdRow.llm, ReviewThresholdRow.field_code, ReviewThresholdRow.threshold
        ).tuples()
        return {
            (llm, code): threshold
            for llm, code, threshold in self._run(lambda: list(query.execute(self._database)))
        }
