"""Budgets that hold under concurrency: before a request or a job's product runs, its worst case
(every field's prompt and the most its answer may take) is held against the key's monthly
budget, in one atomic step shared by every process; once it has run, what it really spent is
written and the hold released. A request is let in while the spend written and the holds of
the requests under way stay under the budget, so concurrent requests overshoot it by at most
one request's hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Reservation:
    """What a reservation met: the key's budget (None: it has none, nothing is held), the tokens
    spent this month and held by others before it, and its id (None when nothing was held)."""

    id: str | None
    budget: int | None
    used: int

    @property
    def refused(self) -> bool:
        return self.id is None and self.budget is not None


class ReservationStore(Protocol):
    """Tokens held against budgets, shared by every process and machine."""

    def reserve(
        self, owner: str, tokens: int, month_start: date, now: datetime, expires: datetime
    ) -> Reservation:
        """Atomically: when `owner` has a budget and what it spent since `month_start` plus its
        unexpired holds stay under it, holds `tokens` until `expires` (or release); otherwise
        holds nothing. Two reservations of one owner never both read the state before the
        other."""
        ...

    def release(self, reservation_id: str) -> None:
        """Drops the hold (releasing twice is harmless)."""
        ...
