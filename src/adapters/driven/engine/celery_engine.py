"""Celery on the Redis of REDIS_URL: the API queues chunks, `python cli.py worker` runs them.

Delivery is at least once. A task is acknowledged only once it has run (acks_late), so a worker
killed mid-chunk leaves it unacknowledged in Redis, which gives it to another worker once its
visibility timeout has passed (JOB_VISIBILITY_SECONDS, 30 s; workers look for such tasks every
RESTORE_SECONDS, so another takes it up within about 35 s: kombu's default sweep, ten times
ten seconds, would take up to 100 s). A chunk that runs longer than the timeout may
be delivered twice while it runs; results are written once per product, so that costs work, not
correctness: keep chunks (JOB_CHUNK_SIZE) well under the timeout.
"""

from __future__ import annotations

from celery import Celery

RUN_CHUNK = "field_lookup.run_chunk"
QUEUE = "field_lookup.jobs"
RESTORE_SECONDS = 5


def celery_app(redis_url: str, visibility_seconds: float) -> Celery:
    """The Celery application of the service, configured for at-least-once delivery."""
    app = Celery("field_lookup", broker=redis_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "visibility_timeout": visibility_seconds,
            "unacked_restore_interval": min(RESTORE_SECONDS, visibility_seconds),
            "unacked_restore_throttle": 1,
        },
        broker_connection_retry_on_startup=True,
        task_default_queue=QUEUE,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return app


class CeleryChunkQueue:
    """Queues chunks as Celery tasks, by name: the API needs no worker code."""

    def __init__(self, app: Celery) -> None:
        self._app = app

    def enqueue(self, job_id: str, first: int, last: int) -> None:
        self._app.send_task(RUN_CHUNK, args=[job_id, first, last], queue=QUEUE)

    def close(self) -> None:
        self._app.close()
