"""The calibration maps in the database, read by every lookup from a copy in memory that is at
most `refresh_seconds` old (a save in this process replaces it at once)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from peewee import Database

from src.adapters.driven.storage.repositories import PeeweeRepository
from src.adapters.driven.storage.tables import CalibrationRow, utc_now
from src.domain.confidence.calibration_map import CalibrationMap, LogisticMap


class PeeweeCalibrationStore(PeeweeRepository):
    def __init__(
        self,
        database: Database,
        refresh_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(database)
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._known: dict[str, CalibrationMap] = {}
        self._read_at: float | None = None
        self._saves = 0
        """Saves made in this process: a copy read before one is not kept after it."""
        self._lock = threading.Lock()

    def calibration(self, llm: str) -> CalibrationMap:
        return self._current().get(llm, CalibrationMap())

    def save(self, llm: str, calibration: CalibrationMap) -> None:
        now = utc_now()
        rows = [
            {
                "llm": llm,
                "group_name": group,
                "slope": fitted.slope,
                "intercept": fitted.intercept,
                "labelled_values": fitted.values,
                "created_at": now,
            }
            for group, fitted in calibration.groups.items()
        ]

        def work() -> None:
            with self._database.atomic():
                CalibrationRow.delete().where(CalibrationRow.llm == llm).execute(self._database)
                if rows:
                    CalibrationRow.insert_many(rows).execute(self._database)

        self._run(work)
        with self._lock:
            self._saves += 1
            self._read_at = None

    def _current(self) -> dict[str, CalibrationMap]:
        with self._lock:
            if self._read_at is not None and self._clock() - self._read_at < self._refresh_seconds:
                return self._known
            saves = self._saves
        known = self._read_all()
        with self._lock:
            if self._saves == saves:  # else a save came meanwhile: this read may predate it
                self._known, self._read_at = known, self._clock()
        return known

    def _read_all(self) -> dict[str, CalibrationMap]:
        query = CalibrationRow.select(
            CalibrationRow.llm,
            CalibrationRow.group_name,
            CalibrationRow.slope,
            CalibrationRow.intercept,
            CalibrationRow.labelled_values,
        ).tuples()
        groups: dict[str, dict[str, LogisticMap]] = {}
        for llm, group, slope, intercept, values in self._run(
            lambda: list(query.execute(self._database))
        ):
            groups.setdefault(llm, {})[group] = LogisticMap(slope, intercept, values)
        return {llm: CalibrationMap(maps) for llm, maps in groups.items()}
