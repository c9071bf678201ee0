"""The fields a lookup reads, held in memory between checks of the stored catalogue version.

Every lookup reads its fields; read from the database each time, under concurrent requests
that read costs more than the rest of a lookup on the mock path (SQLite's driver gives up and
takes back the GIL for every row, and each hand-over between the pool's threads is a system
call). The fields asked are held instead, and the catalogue version (which every provisioning
and every decision that changes an example raises, in its transaction) is read at most once
every `refresh_seconds`: a change made by another process shows within that time, one made in
this process (`invalidate`, which the catalogue store and the review store call) at once. When
the version has moved, every held field is read again as it is next asked.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from peewee import Database

from src.adapters.driven.storage.repositories import PeeweeFieldRepository, PeeweeRepository
from src.domain.model import Field

_VERSION = "SELECT version FROM catalogue_version WHERE id = 1"


class HeldFields(PeeweeRepository):
    """A FieldRepository holding the fields of at most `fields_held` codes (the asked last,
    known or not) for the catalogue version it last read."""

    def __init__(
        self,
        stored: PeeweeFieldRepository,
        database: Database,
        refresh_seconds: float,
        clock: Callable[[], float],
        fields_held: int = 4096,
    ) -> None:
        super().__init__(database)
        self._stored = stored
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._fields_held = fields_held
        self._held: OrderedDict[str, Field | None] = OrderedDict()
        self._version: int | None = None
        self._checked_at: float | None = None
        self._invalidations = 0
        self._lock = threading.Lock()

    def get_many(self, codes: Sequence[str]) -> dict[str, Field]:
        if not codes:
            return {}
        version = self._current_version()
        with self._lock:
            if _newer(version, self._version):
                self._held.clear()
                self._version = version
            elif version != self._version:  # read before another thread's newer one
                return self._stored.get_many(codes)
            held = {code: self._held[code] for code in codes if code in self._held}
        missing = [code for code in dict.fromkeys(codes) if code not in held]
        if missing:
            read = self._stored.get_many(missing)
            fresh = {code: read.get(code) for code in missing}
            held.update(fresh)
            with self._lock:
                if self._version == version:
                    self._held.update(fresh)
                    while len(self._held) > self._fields_held:
                        self._held.popitem(last=False)
        return {code: found for code in codes if (found := held.get(code)) is not None}

    def get(self, code: str) -> Field | None:
        return self.get_many([code]).get(code)

    def list_all(self) -> list[Field]:
        return self._stored.list_all()

    def invalidate(self) -> None:
        """The catalogue changed in this process: the next read checks the version."""
        with self._lock:
            self._checked_at = None
            self._invalidations += 1

    def _current_version(self) -> int | None:
        """The version last read, or read now when that is `refresh_seconds` old."""
        now = self._clock()
        with self._lock:
            if self._checked_at is not None and now - self._checked_at < self._refresh_seconds:
                return self._version
            invalidations = self._invalidations
        rows = self._run(lambda: self._database.execute_sql(_VERSION).fetchall())
        version = int(rows[0][0]) if rows else None
        with self._lock:
            if self._invalidations == invalidations and not _newer(self._version, version):
                self._checked_at = now  # else a change came meanwhile: check again next time
        return version


def _newer(version: int | None, than: int | None) -> bool:
    return version is not None and (than is None or version > than)
