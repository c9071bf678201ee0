"""The values of usage: what was spent, and where it is counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from src.domain.access.roles import OPEN_OWNER
from src.domain.model.sums import Summable


@dataclass(frozen=True, slots=True)
class Spend(Summable):
    """Model calls (each attempt, retries included) and their tokens."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class Account:
    """Whom model calls are charged to: a key's owner (`key:NAME`, or `open`), and the job they
    run for ("" for a lookup over the API)."""

    owner: str
    job_id: str = ""


@dataclass(frozen=True, slots=True)
class UsageKey:
    """One counter: an account's spend with one LLM on one (UTC) day."""

    owner: str
    job_id: str
    llm: str
    day: date


@dataclass(frozen=True, slots=True)
class UsageReport:
    """A key's spend today and this month, this month's per LLM, and its budget."""

    owner: str
    today: Spend
    month: Spend
    per_llm: dict[str, Spend]
    monthly_tokens: int | None
    renews_on: date


def owner_of(caller: str | None) -> str:
    """The account of an admitted caller: its key (`key:NAME`), or `open` while no key exists."""
    return caller if caller and caller.startswith("key:") else OPEN_OWNER
