"""API keys and the rate limit's counts in the real stores: SQLite, PostgreSQL and Redis. Two
containers on one store stand for two worker processes: they see the same keys and counts."""

from __future__ import annotations

import time

import pytest
from peewee_migrate import Router

from src.adapters.driven.storage.migrations import MIGRATIONS_DIR
from src.adapters.driven.storage.rate_limits import (
    LimitsRateLimiter,
    PeeweeCounterStorage,
    counter_storage,
)
from src.domain.access.roles import DEFAULT_TENANT, Role
from src.domain.errors import AuthenticationError, RateLimitedError, StorageUnavailableError
from tests.conftest import ContainerFactory
from tests.support.clock import ManualClock
from tests.support.redis_server import ThrowawayRedis


def test_keys_made_by_one_process_are_seen_and_revoked_by_another(
    make_container: ContainerFactory,
) -> None:
    first, second = make_container(), make_container()

    key = first.api_keys.create("shop")

    assert second.api_keys.authenticate(key).name == "shop"  # type: ignore[union-attr]
    [listed] = second.api_keys.list()
    assert listed.name == "shop" and listed.created_at.tzinfo is not None and listed.active
    second.api_keys.revoke("shop")
    with pytest.raises(AuthenticationError, match="revoked"):
        first.api_keys.authenticate(key)
    assert first.api_keys.list()[0].revoked_at is not None


def test_the_database_counts_requests_for_every_process(make_container: ContainerFactory) -> None:
    first, second = make_container(), make_container()
    one = LimitsRateLimiter(PeeweeCounterStorage(first.storage.database), per_minute=3)
    other = LimitsRateLimiter(PeeweeCounterStorage(second.storage.database), per_minute=3)

    one.hit("key:shop")
    other.hit("key:shop")
    one.hit("key:shop")
    with pytest.raises(RateLimitedError) as limited:
        other.hit("key:shop")

    assert 1 <= limited.value.retry_after <= 60
    other.hit("key:pim")  # another caller, its own count


def test_a_window_that_ends_restarts_the_count(make_container: ContainerFactory) -> None:
    clock = ManualClock(float(int(time.time())))
    first, second = make_container(), make_container()
    one = LimitsRateLimiter(PeeweeCounterStorage(first.storage.database, clock), 2, clock)
    other = LimitsRateLimiter(PeeweeCounterStorage(second.storage.database, clock), 2, clock)

    one.hit("key:shop")
    clock.now += 30
    other.hit("key:shop")
    with pytest.raises(RateLimitedError) as limited:
        one.hit("key:shop")
    assert limited.value.retry_after == 30  # the window began with the first request

    clock.now += 30  # the window ends: the count starts again at 1
    one.hit("key:shop")
    other.hit("key:shop")
    with pytest.raises(RateLimitedError) as limited:
        one.hit("key:shop")
    assert limited.value.retry_after == 60


def test_the_database_count_of_an_ended_window_is_not_read(
    make_container: ContainerFactory,
) -> None:
    clock = ManualClock(float(int(time.time())))
    counts = PeeweeCounterStorage(make_container().storage.database, clock)

    assert [counts.incr("shop", 60) for _ in range(3)] == [1, 2, 3]
    assert (counts.get("shop"), counts.get_expiry("shop")) == (3, clock.now + 60)
    clock.now += 60
    assert (counts.get("shop"), counts.get_expiry("shop")) == (0, clock.now)
    assert counts.incr("shop", 60) == 1
    assert (counts.get("shop"), counts.get_expiry("shop")) == (1, clock.now + 60)


def test_redis_counts_requests_for_every_process_when_redis_url_is_set(
    make_container: ContainerFactory, redis: ThrowawayRedis
) -> None:
    first, second = make_container(), make_container()
    one = LimitsRateLimiter(counter_storage(first.storage.database, redis.url), per_minute=2)
    other = LimitsRateLimiter(counter_storage(second.storage.database, redis.url), per_minute=2)

    one.hit("key:shop")
    other.hit("key:shop")
    with pytest.raises(RateLimitedError):
        one.hit("key:shop")

    redis.stop()
    with pytest.raises(StorageUnavailableError, match="rate limit's store is unavailable"):
        other.hit("key:shop")


def test_keys_made_before_roles_become_lookup_keys_of_the_default_tenant(
    make_container: ContainerFactory,
) -> None:
    container = make_container()
    database = container.storage.database
    router = Router(database, migrate_dir=MIGRATIONS_DIR)
    while "008_roles_and_tenants" in router.done:
        router.rollback()
    assert "role" not in [column.name for column in database.get_columns("api_key")]
    with database.connection_context():
        database.execute_sql(
            "INSERT INTO api_key (key_id, name, secret_hash, created_at) "
            f"VALUES ('0123456789ab', 'old', '{'0' * 64}', '2026-01-01 00:00:00')"
        )

    router.run()

    [old] = container.api_keys.list()
    assert (old.name, old.role, old.tenant) == ("old", Role.LOOKUP, DEFAULT_TENANT)
    container.api_keys.set_role("old", Role.REVIEWER)
    assert container.api_keys.list()[0].role is Role.REVIEWER
