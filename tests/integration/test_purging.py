"""Old rows are purged, a bounded batch a pass: cache answers past LOOKUP_CACHE_TTL and ended
rate-limit windows, on SQLite and on PostgreSQL; what is still of use stays."""

from __future__ import annotations

import datetime

from src.adapters.driven.storage.lookup_cache import PeeweeLookupCache
from src.adapters.driven.storage.rate_limits import PeeweeCounterStorage, RequestCountRow
from src.adapters.driven.storage.tables import LookupCacheRow, utc_now
from src.domain.lookup.cache import CachedAnswer
from src.domain.model import OutcomeStatus
from tests.conftest import ContainerFactory


def test_expired_answers_and_ended_windows_go_a_batch_at_a_time(
    make_container: ContainerFactory,
) -> None:
    container = make_container(LOOKUP_CACHE_TTL="3600", PURGE_BATCH_ROWS="2")
    database = container.storage.database
    cache = PeeweeLookupCache(database, None)
    cache.put_many({f"old-{n}": CachedAnswer(n, OutcomeStatus.OK, None) for n in range(3)})
    cache.put_many({"fresh": CachedAnswer(1, OutcomeStatus.OK, None)})
    counts = PeeweeCounterStorage(database)
    for n in range(3):
        counts.incr(f"ended-{n}", expiry=-1)
    counts.incr("live", expiry=60)
    two_hours_ago = utc_now() - datetime.timedelta(hours=2)
    LookupCacheRow.update(created_at=two_hours_ago).where(
        LookupCacheRow.key.startswith("old-")
    ).execute(database)

    passes = [container.purging.purge_once() for _ in range(3)]

    assert passes == [
        {"request_count": 2, "lookup_cache": 2},
        {"request_count": 1, "lookup_cache": 1},
        {"request_count": 0, "lookup_cache": 0},
    ]
    assert [row.key for row in LookupCacheRow.select().execute(database)] == ["fresh"]
    assert [row.key for row in RequestCountRow.select().execute(database)] == ["live"]


def test_without_a_ttl_cache_answers_are_kept(make_container: ContainerFactory) -> None:
    container = make_container()
    PeeweeLookupCache(container.storage.database, None).put_many(
        {"any": CachedAnswer(1, OutcomeStatus.OK, None)}
    )

    assert container.purging.purge_once() == {"request_count": 0}
    assert LookupCacheRow.select().count(container.storage.database) == 1
