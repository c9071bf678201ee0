"""The bodies of the job endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from src.adapters.driving.http.usage_schemas import SpendOut
from src.domain.jobs.model import JobProgress
from src.domain.model import OutcomeStatus
from src.domain.usage.estimate import Estimate
from src.domain.usage.model import Spend


class JobCreated(BaseModel):
    id: str
    state: str
    total: int
    progress: str
    """Where to follow it: GET this path."""
    results: str
    """Where to collect its results: GET this path."""


class JobOut(BaseModel):
    id: str
    state: str
    llm: str | None
    total: int
    done: int
    failed: int
    fields: dict[str, int]
    """Fields by status over the products done."""
    review: int
    """Fields flagged for review: answers that are not a value of their field (invalid_output)."""
    rate: float | None
    """Products finished per second since the job started."""
    eta_seconds: float | None
    usage: SpendOut
    """The model calls and tokens the job has spent so far, retries included."""
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, progress: JobProgress, spend: Spend) -> JobOut:
        job = progress.job
        return cls(
            id=job.id,
            state=job.state.value,
            llm=job.llm,
            total=job.total,
            done=job.done,
            failed=job.failed,
            fields={status.value: job.fields.get(status, 0) for status in OutcomeStatus},
            review=job.review,
            rate=None if progress.rate is None else round(progress.rate, 3),
            eta_seconds=None if progress.eta_seconds is None else round(progress.eta_seconds, 1),
            usage=SpendOut.of(spend),
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )


class EstimateOut(BaseModel):
    """What a catalogue would spend: its prompts are built as for real, no model is called."""

    products: int
    calls: int
    prompt_tokens: int
    completion_tokens_at_most: int

    @classmethod
    def of(cls, estimate: Estimate) -> EstimateOut:
        return cls(
            products=estimate.products,
            calls=estimate.calls,
            prompt_tokens=estimate.prompt_tokens,
            completion_tokens_at_most=estimate.completion_tokens_at_most,
        )
