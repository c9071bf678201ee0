"""Builds the catalogue jobs of a process (the store, the engine: Celery with REDIS_URL, else
threads of this process, the webhooks' outbox and deliverers, the use cases) and the accounts
that count what each key spends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from config.settings import Settings
from src.adapters.driven.engine.celery_engine import CeleryChunkQueue, celery_app
from src.adapters.driven.engine.deliveries import DeliveryThreads
from src.adapters.driven.engine.local import LocalChunkQueue
from src.adapters.driven.storage.storage import PeeweeStorage
from src.adapters.driven.webhooks.addresses import WebhookAddressPolicy, system_resolve
from src.adapters.driven.webhooks.sender import HttpWebhookSender
from src.bootstrap.overrides import Overrides
from src.domain.jobs.deliveries import WebhookDeliveries
from src.domain.jobs.ports import ChunkQueue
from src.domain.jobs.runner import ChunkRunner
from src.domain.jobs.service import JobService
from src.domain.lookup.batch import BatchLookup
from src.domain.usage.accounts import Accounts
from src.domain.usage.estimate import Estimator
from src.domain.usage.meter import UsageMeter

LEASE_MARGIN_SECONDS = 5.0
"""A delivery's claim outlasts its attempt's deadline by this much (the outcome's write)."""


class _ClosableQueue(ChunkQueue, Protocol):
    def close(self) -> None: ...


@dataclass(slots=True)
class Jobs:
    """The job use cases of one process, the engine they queue chunks on, and the threads that
    deliver webhooks (started by the processes that run chunks: see `serve`)."""

    service: JobService
    runner: ChunkRunner
    queue: _ClosableQueue
    deliveries: DeliveryThreads
    runs_chunks: bool
    """Whether this process runs chunks itself (no REDIS_URL)."""

    def serve(self) -> None:
        """What an API process runs in the background for jobs: with the embedded engine, it
        delivers webhooks too (with Celery, the workers do)."""
        if self.runs_chunks:
            self.deliveries.start()

    def close(self) -> None:
        self.deliveries.close()
        self.queue.close()


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
    overrides: Overrides,
) -> Jobs:
    store = storage.jobs
    policy = WebhookAddressPolicy(
        settings.webhook_allowed_networks,
        overrides.webhook_resolve or system_resolve,
        resolve_seconds=settings.webhook_deadline_seconds,
    )
    sender = HttpWebhookSender(
        accounts.webhook_secret,
        policy,
        settings.webhook_deadline_seconds,
        overrides.webhook_network,
    )
    lease = settings.webhook_deadline_seconds + LEASE_MARGIN_SECONDS
    deliveries = DeliveryThreads(
        WebhookDeliveries(storage.webhook_outbox, store, sender, lease).deliver_one
    )
    runner = ChunkRunner(store, lookup, deliveries, accounts, estimator.worst_case)
    queue: _ClosableQueue
    if settings.redis_url:
        queue = CeleryChunkQueue(celery_app(settings.redis_url, settings.job_visibility_seconds))
    else:
        queue = LocalChunkQueue(runner.run_chunk, settings.job_concurrency)
    service = JobService(
        store, queue, lookup.llms, settings.job_chunk_size, policy, storage.webhook_outbox
    )
    return Jobs(service, runner, queue, deliveries, runs_chunks=not settings.redis_url)
