"""What usage and budgets need from the outside world: counts and key settings shared by every
process and machine, surviving restarts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Protocol

from src.domain.usage.model import Spend, UsageKey


class UsageStore(Protocol):
    """Spend counters, added to atomically by any number of processes at once."""

    def add(self, spends: Mapping[UsageKey, Spend]) -> None:
        """Adds each spend to its counter (creating it), in one transaction."""
        ...

    def spent(
        self, owner: str, since: date, job_id: str | None = None
    ) -> dict[tuple[str, date], Spend]:
        """The owner's spend per (LLM, day) from `since` on; of one job when `job_id` is given."""
        ...


class KeyAccountStore(Protocol):
    """Per key: its webhook signing secret and its monthly token budget."""

    def set_secret(self, owner: str, secret: str) -> None: ...

    def secret(self, owner: str) -> str | None:
        """The key's webhook signing secret, None when it has none."""
        ...

    def set_budget(self, owner: str, monthly_tokens: int | None) -> None:
        """None: no budget."""
        ...

    def budget(self, owner: str) -> int | None: ...
