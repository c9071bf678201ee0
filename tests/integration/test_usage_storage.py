"""What keys spend, in the real databases (SQLite and PostgreSQL): counters that two processes
add to at once lose nothing, and a key's budget and webhook secret are kept."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from src.adapters.driven.storage.usage import PeeweeKeyAccountStore, PeeweeUsageStore
from src.domain.usage.model import Spend, UsageKey
from tests.conftest import ContainerFactory

DAY, NEXT_DAY = date(2026, 12, 1), date(2026, 12, 2)


def test_two_processes_adding_at_once_lose_no_count(make_container: ContainerFactory) -> None:
    stores = [
        PeeweeUsageStore(make_container().storage.database),
        PeeweeUsageStore(make_container().storage.database),
    ]
    key, other = (
        UsageKey("key:shop", "", "mock", DAY),
        UsageKey("key:shop", "job1", "mock", NEXT_DAY),
    )

    def add(n: int) -> None:
        stores[n % 2].add({key: Spend(1, 10, 2), other: Spend(2, 5, 1)})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(add, range(200)))

    spent = stores[0].spent("key:shop", DAY)
    assert spent == {
        ("mock", DAY): Spend(200, 2000, 400),
        ("mock", NEXT_DAY): Spend(400, 1000, 200),
    }
    assert stores[1].spent("key:shop", NEXT_DAY) == {("mock", NEXT_DAY): Spend(400, 1000, 200)}
    assert stores[1].spent("key:shop", DAY, job_id="job1") == {
        ("mock", NEXT_DAY): Spend(400, 1000, 200)
    }
    assert stores[1].spent("key:pim", DAY) == {}


def test_a_keys_budget_and_webhook_secret_are_kept_apart(make_container: ContainerFactory) -> None:
    accounts = PeeweeKeyAccountStore(make_container().storage.database)

    accounts.set_secret("key:shop", "whsec_1")
    accounts.set_budget("key:shop", 5000)
    accounts.set_budget("key:pim", 10)
    accounts.set_budget("key:pim", None)

    assert (accounts.secret("key:shop"), accounts.budget("key:shop")) == ("whsec_1", 5000)
    assert (accounts.secret("key:pim"), accounts.budget("key:pim")) == (None, None)
    assert accounts.budget("key:nobody") is None
