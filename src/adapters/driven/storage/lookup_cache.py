"""The lookup cache in the database, so that every worker process shares it."""

from __future__ import annotations

import datetime
import json

from peewee import Database

from src.adapters.driven.storage.repositories import PeeweeRepository
from src.adapters.driven.storage.tables import utc_now
from src.domain.lookup.cache import CachedAnswer
from src.domain.model import OutcomeStatus

_UPSERT = """
INSERT INTO lookup_cache (key, value, status, raw, created_at, confidence, item_confidences)
VALUES {rows}
ON CONFLICT (key) DO UPDATE SET
    value = EXCLUDED.value, status = EXCLUDED.status, raw = EXCLUDED.raw,
    created_at = EXCLUDED.created_at, confidence = EXCLUDED.confidence,
    item_confidences = EXCLUDED.item_confidences
"""
"""Written out: peewee's insert_many spent more time building the statement than the database
spent running it, and every lookup's answers are written."""

_COLUMNS = 7
_ROWS_PER_INSERT = 140
"""7 parameters a row, within SQLite's oldest limit of 999 parameters a statement."""


class PeeweeLookupCache(PeeweeRepository):
    """Answers younger than `ttl_seconds` (None: any age) are served again, a list's with its
    items' confidences."""

    def __init__(self, database: Database, ttl_seconds: float | None) -> None:
        super().__init__(database)
        self._row_placeholders = f"({', '.join([database.param] * _COLUMNS)})"
        self._ttl = None if ttl_seconds is None else datetime.timedelta(seconds=ttl_seconds)

    def get_many(self, keys: list[str]) -> dict[str, CachedAnswer]:
        if not keys:
            return {}
        param = self._database.param
        sql = (
            "SELECT key, value, status, raw, confidence, item_confidences FROM lookup_cache "
            f"WHERE key IN ({', '.join([param] * len(keys))})"
        )
        params: list[object] = list(keys)
        if self._ttl is not None:
            sql += f" AND created_at >= {param}"
            params.append(utc_now() - self._ttl)
        rows = self._run(lambda: self._database.execute_sql(sql, params).fetchall())
        return {
            key: CachedAnswer(
                None if value is None else json.loads(value),
                OutcomeStatus(status),
                raw,
                confidence,
                None if items is None else tuple(json.loads(items)),
            )
            for key, value, status, raw, confidence, items in rows
        }

    def put_many(self, answers: dict[str, CachedAnswer]) -> None:
        now = utc_now()
        rows = [
            (
                key,
                None if answer.value is None else json.dumps(answer.value, ensure_ascii=False),
                answer.status.value,
                answer.raw,
                now,
                answer.confidence,
                None
                if answer.item_confidences is None
                else json.dumps(list(answer.item_confidences)),
            )
            for key, answer in answers.items()
        ]

        def work() -> None:
            with self._database.atomic():
                for start in range(0, len(rows), _ROWS_PER_INSERT):
                    batch = rows[start : start + _ROWS_PER_INSERT]
                    sql = _UPSERT.format(rows=", ".join([self._row_placeholders] * len(batch)))
                    self._database.execute_sql(sql, [value for row in batch for value in row])

        self._run(work)
