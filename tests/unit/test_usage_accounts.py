"""Usage and budgets in the domain, on hand-written fakes: what the meter charges and to whom,
what it keeps when a write fails, when a budget is spent and when it renews."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime

import pytest

from src.domain.errors import BudgetExceededError, InvalidRequestError, TransientBackendError
from src.domain.model import TokenUsage
from src.domain.prompting.prompt import Completion, CompletionRequest, RenderedPrompt
from src.domain.prompting.shared_prefix.ports import turn_of
from src.domain.usage.accounts import Accounts, next_month
from src.domain.usage.meter import ContextCopyingExecutor, MeteredConnector, UsageMeter, charging
from src.domain.usage.model import Account, Spend, UsageKey
from src.domain.usage.reservations import Reservation

DAY = date(2026, 12, 30)


class NoReservations:
    """A reservation store the budget check never reads (holds are tested on real databases)."""

    def reserve(
        self, owner: str, tokens: int, month_start: date, now: datetime, expires: datetime
    ) -> Reservation:
        raise AssertionError("the budget check holds nothing")

    def release(self, reservation_id: str) -> None:
        raise AssertionError("the budget check holds nothing")


class FakeUsageStore:
    def __init__(self) -> None:
        self.counts: dict[UsageKey, Spend] = {}
        self.fail = False
        self._lock = threading.Lock()  # one write at a time, as the database's upsert

    def add(self, spends: Mapping[UsageKey, Spend]) -> None:
        if self.fail:
            raise RuntimeError("the database is away")
        with self._lock:
            for key, spend in spends.items():
                self.counts[key] = self.counts.get(key, Spend()) + spend

    def spent(
        self, owner: str, since: date, job_id: str | None = None
    ) -> dict[tuple[str, date], Spend]:
        found: dict[tuple[str, date], Spend] = {}
        for key, spend in self.counts.items():
            if key.owner == owner and key.day >= since and (job_id is None or key.job_id == job_id):
                found[(key.llm, key.day)] = found.get((key.llm, key.day), Spend()) + spend
        return found


class FakeAccountStore:
    def __init__(self) -> None:
        self.budgets: dict[str, int | None] = {}
        self.secrets: dict[str, str] = {}

    def set_secret(self, owner: str, secret: str) -> None:
        self.secrets[owner] = secret

    def secret(self, owner: str) -> str | None:
        return self.secrets.get(owner)

    def set_budget(self, owner: str, monthly_tokens: int | None) -> None:
        self.budgets[owner] = monthly_tokens

    def budget(self, owner: str) -> int | None:
        return self.budgets.get(owner)


class FlakyConnector:
    """Fails its first call, then answers 10 prompt and 2 completion tokens."""

    def __init__(self) -> None:
        self.calls = 0

    def complete(self, request: CompletionRequest) -> Completion:
        self.calls += 1
        if self.calls == 1:
            raise TransientBackendError("busy")
        return Completion('{"value": 1}', TokenUsage(10, 2))

    def count_tokens(self, text: str) -> int | None:
        return None


REQUEST = CompletionRequest("EF000035", RenderedPrompt((), "prompt"), {}, 8, deadline=1e12)


def test_each_attempt_is_charged_to_the_account_of_the_context_and_none_outside_one() -> None:
    store = FakeUsageStore()
    meter = UsageMeter(store, flush_seconds=3600, today=lambda: DAY)
    connector = MeteredConnector(FlakyConnector(), "mock", meter)

    with charging(Account("key:shop", "job1")), ThreadPoolExecutor(2) as pool:
        executor = ContextCopyingExecutor(pool)
        with pytest.raises(TransientBackendError):
            executor.submit(connector.complete, REQUEST).result()
        executor.submit(connector.complete, REQUEST).result()
    connector.complete(REQUEST)  # no account: not charged

    assert meter.unsaved("key:shop") == Spend(2, 10, 2) and store.counts == {}
    meter.flush()
    assert store.counts == {UsageKey("key:shop", "job1", "mock", DAY): Spend(2, 10, 2)}
    assert meter.unsaved("key:shop") == Spend()


def test_counts_that_could_not_be_written_are_kept_for_the_next_write() -> None:
    store = FakeUsageStore()
    meter = UsageMeter(store, flush_seconds=3600, today=lambda: DAY)
    with charging(Account("key:shop")):
        meter.charge("mock", Spend(1, 5, 1))
    store.fail = True
    with pytest.raises(RuntimeError):
        meter.flush()
    with charging(Account("key:shop")):
        meter.charge("mock", Spend(1, 5, 1))
    store.fail = False
    meter.flush()

    assert store.counts == {UsageKey("key:shop", "", "mock", DAY): Spend(2, 10, 2)}


def test_a_spent_budget_says_how_much_and_when_it_renews_counting_what_is_not_written_yet() -> None:
    usage, accounts_store = FakeUsageStore(), FakeAccountStore()
    meter = UsageMeter(usage, flush_seconds=3600, today=lambda: DAY)
    accounts = Accounts(
        usage, accounts_store, meter, NoReservations(), today=lambda: DAY, budget_cache_seconds=0
    )
    usage.add(
        {UsageKey("key:shop", "", "mock", date(2026, 11, 30)): Spend(9, 9000, 0)}
    )  # last month
    usage.add({UsageKey("key:shop", "", "mock", date(2026, 12, 1)): Spend(1, 60, 10)})
    accounts.set_budget("key:shop", 100)

    accounts.check("key:shop")  # 70 of 100
    with charging(Account("key:shop")):
        meter.charge("mock", Spend(1, 30, 0))  # 100 of 100, not written yet
    with pytest.raises(BudgetExceededError) as spent:
        accounts.check("key:shop")

    assert str(spent.value) == (
        "the monthly budget of 100 tokens of this key is spent (100 used); "
        "it renews on 2027-01-01 (UTC)"
    )
    assert spent.value.retry_after == 2 * 86400
    accounts.check("key:pim")  # no budget
    report = accounts.report("key:shop")
    assert (
        report.month == Spend(1, 60, 10)
        and report.today == Spend()
        and report.renews_on == date(2027, 1, 1)
    )
    assert next_month(date(2026, 2, 14)) == date(2026, 3, 1)
    with pytest.raises(InvalidRequestError):
        accounts.set_budget("key:shop", -1)


class TurnTakingConnector(FlakyConnector):
    """A model in this process: its turn is held for one product's calls."""

    def __init__(self) -> None:
        super().__init__()
        self.turns: list[float] = []

    @contextmanager
    def turn(self, deadline: float) -> Iterator[None]:
        self.turns.append(deadline)
        yield


def test_the_meter_passes_the_models_turn_through_so_a_product_is_still_read_once() -> None:
    inner = TurnTakingConnector()
    connector = MeteredConnector(
        inner, "mock", UsageMeter(FakeUsageStore(), flush_seconds=3600, today=lambda: DAY)
    )

    with turn_of(connector, deadline=42.0):
        pass

    assert inner.turns == [42.0]  # without it, turn_of would find no turn and take none


def test_charges_made_from_many_threads_while_counts_are_read_and_written_are_all_kept() -> None:
    store = FakeUsageStore()
    meter = UsageMeter(store, flush_seconds=0.001, today=lambda: DAY)  # writes as it goes
    owners = [f"key:shop{n}" for n in range(4)]

    def charge_many(owner: str) -> None:
        with charging(Account(owner)):
            for _ in range(2000):
                meter.charge("mock", Spend(1, 3, 1))
                meter.unsaved(owner)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(charge_many, owners * 2))
    meter.flush()

    assert store.counts == {UsageKey(o, "", "mock", DAY): Spend(4000, 12000, 4000) for o in owners}
    assert all(meter.unsaved(owner) == Spend() for owner in owners)
