"""The values of a catalogue job: the job, its products, their results and its progress."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from src.domain.model import LookupResult, OutcomeStatus


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    """The key's monthly budget is spent: it goes on once the budget is raised or renews."""
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.CANCELLED)


REVIEW_STATUSES = frozenset({OutcomeStatus.INVALID_OUTPUT})
"""Fields whose answer a person should look at: the model said something that is not a value
of the field (its raw answer is kept)."""


@dataclass(frozen=True, slots=True)
class JobProduct:
    """One product of a job, at its 0-based `position` in the catalogue."""

    position: int
    id: str | int
    description: str
    fields: tuple[str, ...]

    @property
    def key(self) -> str:
        """What identifies it in the job's results (7 and "7" are one product)."""
        return str(self.id)


@dataclass(frozen=True, slots=True)
class NewJob:
    """What a caller submits: its products in catalogue order, the output columns and format.
    `products` may be a stream (read once, while the job is stored), never held whole."""

    owner: str
    products: Iterable[JobProduct]
    codes: tuple[str, ...]
    output_format: str
    llm: str | None = None
    webhook_url: str | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """A job as stored: who owns it, what it asks and where it stands."""

    id: str
    owner: str
    state: JobState
    total: int
    codes: tuple[str, ...]
    output_format: str
    llm: str | None
    webhook_url: str | None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    done: int = 0
    failed: int = 0
    fields: Mapping[OutcomeStatus, int] = field(default_factory=dict)

    @property
    def review(self) -> int:
        """Fields flagged for review (see REVIEW_STATUSES)."""
        return sum(count for status, count in self.fields.items() if status in REVIEW_STATUSES)


@dataclass(frozen=True, slots=True)
class ProductResult:
    """A product's lookup, or why it failed as a whole (`result` None, `error` set)."""

    product: JobProduct
    result: LookupResult | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class JobProgress:
    """A job's state, with its rate (products a second since it started) and time left."""

    job: Job
    rate: float | None
    eta_seconds: float | None
