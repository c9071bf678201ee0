"""`python cli.py worker [--concurrency N]`: a Celery worker that runs the chunks of catalogue
jobs, on any machine that reaches REDIS_URL and DATABASE_URL. It wraps Celery's own worker,
with a pool of N threads: N products in flight at most (their fields fan out on the lookup pool).
A few threads of its own deliver the webhooks of finished jobs from the outbox."""

from __future__ import annotations

from typing import Annotated

import typer

from src.adapters.driven.engine.celery_engine import QUEUE, RUN_CHUNK, celery_app
from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.service import service
from src.bootstrap.heap import tune_the_collector
from src.domain.errors import BudgetExceededError, InvalidRequestError, StorageUnavailableError

RETRY_SECONDS = 5


def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, help="Chunks run at a time: products in flight.")
    ] = 2,
    loglevel: Annotated[str, typer.Option(help="Celery's log level.")] = "warning",
) -> None:
    """Run catalogue jobs' chunks from REDIS_URL until stopped (SIGTERM finishes the products
    under way)."""
    with service() as container, reported_errors():
        settings = container.settings
        if not settings.redis_url:
            raise InvalidRequestError(
                "a worker needs REDIS_URL: without it, the API process runs jobs itself"
            )
        engine = celery_app(settings.redis_url, settings.job_visibility_seconds)
        runner = container.jobs.runner
        container.jobs.deliveries.start()

        @engine.task(
            name=RUN_CHUNK,
            acks_late=True,
            reject_on_worker_lost=True,
            # retried (the job paused while the budget is spent) after at most RETRY_SECONDS: a task
            # waiting for its retry longer than the visibility timeout would be given out twice
            autoretry_for=(StorageUnavailableError, BudgetExceededError),
            retry_backoff=True,
            retry_backoff_max=RETRY_SECONDS,
            retry_jitter=False,
            max_retries=None,
        )
        def run_chunk(job_id: str, first: int, last: int) -> int:
            return runner.run_chunk(job_id, first, last)

        tune_the_collector()
        engine.worker_main(
            [
                "worker",
                "--pool",
                "threads",
                "--concurrency",
                str(concurrency),
                "--queues",
                QUEUE,
                "--loglevel",
                loglevel,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        )
