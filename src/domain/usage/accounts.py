"""The accounts of API keys: what each spends, its monthly token budget, its webhook secret."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import partial

from src.domain.errors import BudgetExceededError, InvalidRequestError
from src.domain.model.clock import utc_now, utc_today
from src.domain.model.recent import Recent
from src.domain.usage.meter import UsageMeter
from src.domain.usage.model import Spend, UsageReport
from src.domain.usage.ports import KeyAccountStore, UsageStore
from src.domain.usage.reservations import ReservationStore

WEBHOOK_SECRET_PREFIX = "whsec_"


HOLD_SECONDS = 900.0
"""How long a hold counts when it is never settled (its process died): then it lapses."""


def _spent(budget: int, used: str, today: date) -> BudgetExceededError:
    renews = next_month(today)
    return BudgetExceededError(
        f"the monthly budget of {budget} tokens of this key is spent ({used}); "
        f"it renews on {renews.isoformat()} (UTC)",
        retry_after=float((renews - today).days * 86400),
    )


def next_month(day: date) -> date:
    """The first day of the month after `day`'s: when a monthly budget renews."""
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


class Accounts:
    """Reads and keeps the spend, budget and webhook secret of each key (`key:NAME`).

    A budget counts the tokens of the current UTC month, in every process: those written to
    the store and those this process has not written yet. Budgets are read again at most every
    `budget_cache_seconds`, so that a lookup does not read them each time."""

    def __init__(
        self,
        usage: UsageStore,
        accounts: KeyAccountStore,
        meter: UsageMeter,
        reservations: ReservationStore,
        today: Callable[[], date] = utc_today,
        budget_cache_seconds: float = 1.0,
        now: Callable[[], datetime] = utc_now,
        hold_seconds: float = HOLD_SECONDS,
    ) -> None:
        self._usage = usage
        self._accounts = accounts
        self._meter = meter
        self._reservations = reservations
        self._today = today
        self._now = now
        self._hold = timedelta(seconds=hold_seconds)
        self._budget_seconds = budget_cache_seconds
        self._budgets: dict[str, Recent[int | None]] = {}

    def new_webhook_secret(self, owner: str) -> str:
        """Makes (or replaces) the key's webhook signing secret and returns it: shown once."""
        secret = WEBHOOK_SECRET_PREFIX + secrets.token_urlsafe(32)
        self._accounts.set_secret(owner, secret)
        return secret

    def webhook_secret(self, owner: str) -> str | None:
        return self._accounts.secret(owner)

    def set_budget(self, owner: str, monthly_tokens: int | None) -> None:
        if monthly_tokens is not None and monthly_tokens < 0:
            raise InvalidRequestError("a monthly token budget is 0 or more", ("monthly_tokens",))
        self._accounts.set_budget(owner, monthly_tokens)
        self._budgets.pop(owner, None)

    def has_budget(self, owner: str) -> bool:
        return self._budget(owner) is not None

    def known_unlimited(self, owner: str) -> bool:
        """True when the key had no budget at a look recent enough to go by (no read needed)."""
        budget = self._budgets.get(owner)
        return budget is not None and budget.known(None)

    def check(self, owner: str) -> None:
        """Raises BudgetExceededError when the key's monthly budget is spent."""
        budget = self._budget(owner)
        if budget is None:
            return
        today = self._today()
        used = self._month(owner, today).tokens + self._meter.unsaved(owner).tokens
        if used >= budget:
            raise _spent(budget, f"{used} used", today)

    def reserve(self, owner: str, worst_case: Callable[[], int]) -> str | None:
        """Holds the `worst_case()` tokens of a request against the key's budget (see
        reservations.py) and returns the hold, to settle once the request has run; None for a
        key without a budget (worst_case is not called). Raises BudgetExceededError when the
        spend and the holds of the requests under way reach the budget."""
        if self._budget(owner) is None:
            return None
        today = self._today()
        now = self._now()
        found = self._reservations.reserve(
            owner, max(worst_case(), 1), today.replace(day=1), now, now + self._hold
        )
        if found.refused:
            assert found.budget is not None
            raise _spent(found.budget, f"{found.used} used or held by requests under way", today)
        return found.id

    def settle(self, reservation: str | None) -> None:
        """Writes what this process spent, then releases the hold: the spend is counted before
        the hold stops counting. Nothing for no hold (a key without a budget)."""
        if reservation is None:
            return
        self.flush()
        self._reservations.release(reservation)

    @contextmanager
    def reserved(self, owner: str, worst_case: Callable[[], int]) -> Iterator[None]:
        """Within: a request's worst case is held (see reserve); settled on the way out."""
        reservation = self.reserve(owner, worst_case)
        try:
            yield
        finally:
            self.settle(reservation)

    def report(self, owner: str) -> UsageReport:
        """Today's spend, this month's, this month's per LLM, and the budget."""
        today = self._today()
        counts = self._usage.spent(owner, today.replace(day=1))
        per_llm: dict[str, Spend] = {}
        for (llm, _), spend in counts.items():
            per_llm[llm] = per_llm.get(llm, Spend()) + spend
        today_spend = sum((spend for (_, day), spend in counts.items() if day == today), Spend())
        month = sum(per_llm.values(), Spend())
        return UsageReport(
            owner, today_spend, month, per_llm, self._accounts.budget(owner), next_month(today)
        )

    def flush(self) -> None:
        """Writes what this process has counted, for the other processes to see."""
        self._meter.flush()

    def job_spend(self, owner: str, job_id: str) -> Spend:
        """Everything a job has spent so far (written by the workers)."""
        return sum(self._usage.spent(owner, date(1970, 1, 1), job_id).values(), Spend())

    def _month(self, owner: str, today: date) -> Spend:
        return sum(self._usage.spent(owner, today.replace(day=1)).values(), Spend())

    def _budget(self, owner: str) -> int | None:
        budget = self._budgets.get(owner)
        if budget is None:
            budget = Recent(partial(self._accounts.budget, owner), self._budget_seconds)
            self._budgets[owner] = budget
        return budget.get()
