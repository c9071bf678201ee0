"""The lookup cache's table, on both databases: many answers in one write, replaced answers,
answers older than LOOKUP_CACHE_TTL left out, and a list's items' confidences kept."""

from __future__ import annotations

import datetime

import pytest
from peewee_migrate import Router

from src.adapters.driven.storage.lookup_cache import PeeweeLookupCache
from src.adapters.driven.storage.migrations import MIGRATIONS_DIR
from src.adapters.driven.storage.tables import LookupCacheRow
from src.bootstrap import Container
from src.domain.lookup.cache import CachedAnswer
from src.domain.model import OutcomeStatus


def answers(count: int, offset: int = 0) -> dict[str, CachedAnswer]:
    kinds = [
        lambda n: CachedAnswer(n + 0.5, OutcomeStatus.OK, f"{n + 0.5} W", confidence=n / 1000),
        lambda n: CachedAnswer(f"E{n}", OutcomeStatus.OK, f'"E{n}"', confidence=0.875),
        lambda n: CachedAnswer(n % 2 == 0, OutcomeStatus.OK, "oui"),
        lambda n: CachedAnswer(None, OutcomeStatus.NOT_FOUND, "je ne sais pas"),
    ]
    return {f"key-{n:04d}": kinds[n % 4](n + offset) for n in range(count)}


def test_hundreds_of_answers_go_in_one_write_and_come_back_typed(container: Container) -> None:
    cache = PeeweeLookupCache(container.storage.database, ttl_seconds=None)
    written = answers(400)

    cache.put_many(written)

    assert cache.get_many(list(written)) == written
    assert cache.get_many(["key-0001", "missing"]) == {"key-0001": written["key-0001"]}
    assert LookupCacheRow.select().count(container.storage.database) == 400


def test_an_answer_given_again_replaces_the_first(container: Container) -> None:
    cache = PeeweeLookupCache(container.storage.database, ttl_seconds=None)
    cache.put_many(answers(8))

    cache.put_many(answers(8, offset=100))

    assert cache.get_many(list(answers(8))) == answers(8, offset=100)
    assert LookupCacheRow.select().count(container.storage.database) == 8


def test_answers_older_than_the_ttl_are_not_served(container: Container) -> None:
    cache = PeeweeLookupCache(container.storage.database, ttl_seconds=60)
    cache.put_many(answers(4))
    two_minutes_ago = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(
        minutes=2
    )
    LookupCacheRow.update(created_at=two_minutes_ago).where(
        LookupCacheRow.key.in_(["key-0000", "key-0001"])
    ).execute(container.storage.database)

    assert set(cache.get_many(list(answers(4)))) == {"key-0002", "key-0003"}
    assert (
        len(
            PeeweeLookupCache(container.storage.database, ttl_seconds=None).get_many(
                list(answers(4))
            )
        )
        == 4
    )


def listed(offset: float = 0) -> dict[str, CachedAnswer]:
    return {
        "sure-and-not": CachedAnswer(
            ["CE", "RoHS"], OutcomeStatus.OK, "[]", 0.42 + offset, (0.96 - offset, 0.42 + offset)
        ),
        "one-unknown": CachedAnswer(["UL", "CE"], OutcomeStatus.OK, None, None, (None, 0.5)),
        "a-list-of-none": CachedAnswer(["polycarbonate"], OutcomeStatus.OK, None, 0.3),
        "a-number": CachedAnswer(40, OutcomeStatus.OK, "40", 0.9),
    }


def test_a_lists_items_confidences_come_back_in_its_order(container: Container) -> None:
    cache = PeeweeLookupCache(container.storage.database, ttl_seconds=None)
    cache.put_many(listed())
    assert cache.get_many(list(listed())) == listed()

    cache.put_many(listed(offset=0.25))  # replaced with the answer given again

    again = cache.get_many(list(listed()))
    assert again == listed(offset=0.25)
    assert again["sure-and-not"].item_confidences == pytest.approx((0.71, 0.67))


def test_the_list_items_migration_rolls_back_and_applies_again(container: Container) -> None:
    db = container.storage.database
    cache = PeeweeLookupCache(db, ttl_seconds=None)
    cache.put_many(listed())
    router = Router(db, migrate_dir=MIGRATIONS_DIR)

    while "015_list_items" in router.done:  # the later migrations first, then this one
        router.rollback()
    assert "item_confidences" not in [c.name for c in db.get_columns("lookup_cache")]
    assert "items" not in [c.name for c in db.get_columns("review_queue")]
    assert LookupCacheRow.select().count(db) == len(listed())  # its rows kept

    router.run()
    assert "items" in [c.name for c in db.get_columns("review_queue")]
    kept = cache.get_many(list(listed()))
    assert kept["a-number"] == listed()["a-number"]
    assert kept["sure-and-not"].item_confidences is None  # dropped with its column
