"""Builds the catalogue jobs of a process (the store, the engine: Celery with REDIS_URL, else
threads of this process, the webhook, the use cases) and the accounts that count what each key
spends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

from config.settings import Settings
from src.adapters.driven.engine.celery_engine import CeleryChunkQueue, celery_app
from src.adapters.driven.engine.local import LocalChunkQueue
from src.adapters.driven.storage.storage import PeeweeStorage
from src.adapters.driven.webhooks import HttpWebhookSender
from src.domain.jobs.ports import ChunkQueue
from src.domain.jobs.runner import ChunkRunner
from src.domain.jobs.service import JobService
from src.domain.lookup.batch import BatchLookup
from src.domain.usage.accounts import Accounts
from src.domain.usage.estimate import Estimator
from src.domain.usage.meter import UsageMeter


class _ClosableQueue(ChunkQueue, Protocol):
    def close(self) -> None: ...


@dataclass(slots=True)
class Jobs:
    """The job use cases of one process, and the engine they queue chunks on."""

    service: JobService
    runner: ChunkRunner
    queue: _ClosableQueue
    webhooks: httpx.Client

    def close(self) -> None:
        self.queue.close()
        self.webhooks.close()


def build_accounts(settings: Settings, storage: PeeweeStorage) -> tuple[Accounts, UsageMeter]:
    """What each key spends, counted in memory and written every USAGE_FLUSH_SECONDS."""
    meter = UsageMeter(storage.usage, settings.usage_flush_seconds)
    return Accounts(storage.usage, storage.key_accounts, meter, storage.reservations), meter


def build_jobs(
    settings: Settings,
    storage: PeeweeStorage,
    lookup: BatchLookup,
    accounts: Accounts,
    estimator: Estimator,
) -> Jobs:
    store = storage.jobs
    webhooks = httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0))
    runner = ChunkRunner(
        store,
        lookup,
        HttpWebhookSender(webhooks, accounts.webhook_secret),
        accounts,
        estimator.worst_case,
    )
    queue: _ClosableQueue
    if settings.redis_url:
        queue = CeleryChunkQueue(celery_app(settings.redis_url, settings.job_visibility_seconds))
    else:
        queue = LocalChunkQueue(runner.run_chunk, settings.job_concurrency)
    service = JobService(store, queue, lookup.llms, settings.job_chunk_size)
    return Jobs(service, runner, queue, webhooks)
