"""The lookup cache in the database, so that every worker process shares it."""

from __future__ import annotations

import datetime
import json

from peewee import SQL, Database

from src.adapters.storage.repositories import PeeweeRepository
from src.adapters.storage.tables import LookupCacheRow, utc_now
from src.domain.cache import CachedAnswer
from src.domain.model import OutcomeStatus


class PeeweeLookupCache(PeeweeRepository):
    """Answers younger than `ttl_seconds` (None: any age) are served again."""

    def __init__(self, database: Database, ttl_seconds: float | None) -> None:
        super().__init__(database)
        self._ttl = None if ttl_seconds is None else datetime.timedelta(seconds=ttl_seconds)

    def get_many(self, keys: list[str]) -> dict[str, CachedAnswer]:
        if not keys:
            return {}
        param = self._database.param
        sql = f"SELECT key, value, status, raw FROM lookup_cache WHERE key IN ({', '.join([param] * len(keys))})"
        params: list[object] = list(keys)
        if self._ttl is not None:
            sql += f" AND created_at >= {param}"
            params.append(utc_now() - self._ttl)
        rows = self._run(lambda: self._database.execute_sql(sql, params).fetchall())
        return {
            key: CachedAnswer(None if value is None else json.loads(value), OutcomeStatus(status), raw)
            for key, value, status, raw in rows
        }

    def put_many(self, answers: dict[str, CachedAnswer]) -> None:
        now = utc_now()
        rows = [
            {
                "key": key,
                "value": None if answer.value is None else json.dumps(answer.value, ensure_ascii=False),
                "status": answer.status.value,
                "raw": answer.raw,
                "created_at": now,
            }
            for key, answer in answers.items()
        ]
        columns = ("value", "status", "raw", "created_at")

        def work() -> None:
            with self._database.atomic():
                LookupCacheRow.insert_many(rows).on_conflict(
                    conflict_target=[LookupCacheRow.key],
                    update={column: SQL(f"EXCLUDED.{column}") for column in columns},
                ).execute()

        self._run(work)
