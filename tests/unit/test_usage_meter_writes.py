"""The meter's write that a charge makes due runs beside the model call that charged: the call
neither waits for the store nor fails with it, and nothing counted is lost."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import date

from src.domain.usage.meter import UsageMeter, charging
from src.domain.usage.model import Account, Spend, UsageKey

DAY = date(2026, 12, 30)
KEY = UsageKey("key:shop", "", "mock", DAY)


class SlowOrFailingStore:
    """A store whose writes wait for `opened` (a database under load), or fail (one away)."""

    def __init__(self) -> None:
        self.counts: dict[UsageKey, Spend] = {}
        self.opened = threading.Event()
        self.writing = threading.Event()
        self.fail = False

    def add(self, spends: Mapping[UsageKey, Spend]) -> None:
        self.writing.set()
        self.opened.wait(timeout=30)
        if self.fail:
            raise RuntimeError("the database is away")
        for key, spend in spends.items():
            self.counts[key] = self.counts.get(key, Spend()) + spend

    def spent(self, owner: str, since: date, job_id: str | None = None) -> dict:
        return {}


def test_a_charge_that_makes_a_write_due_does_not_wait_for_the_store() -> None:
    store = SlowOrFailingStore()
    meter = UsageMeter(store, flush_seconds=0, today=lambda: DAY)

    started = time.monotonic()
    with charging(Account("key:shop")):
        meter.charge("mock", Spend(1, 10, 2))
        assert store.writing.wait(timeout=10)  # the write is under way, held by the store
        meter.charge("mock", Spend(1, 5, 1))
    charged_in = time.monotonic() - started
    store.opened.set()
    meter.flush()  # after the write under way

    assert charged_in < 10
    assert store.counts == {KEY: Spend(2, 15, 3)}
    assert meter.unsaved("key:shop") == Spend()


def test_a_store_that_fails_fails_no_charge_and_loses_nothing() -> None:
    store = SlowOrFailingStore()
    store.fail = True
    store.opened.set()
    meter = UsageMeter(store, flush_seconds=0, today=lambda: DAY)

    with charging(Account("key:shop")):
        for _ in range(20):
            meter.charge("mock", Spend(1, 3, 1))  # would raise if the write ran here
    deadline = time.monotonic() + 10
    while meter.unsaved("key:shop") != Spend(20, 60, 20) and time.monotonic() < deadline:
        time.sleep(0.01)  # a failed write puts back what it took
    store.fail = False
    meter.flush()

    assert store.counts == {KEY: Spend(20, 60, 20)}
