"""The webhook of a finished job: a JSON POST to the job's `webhook_url`, signed with the key's
secret (HMAC-SHA256 of the body, hex, in `X-Signature-SHA256: sha256=…`), retried with
exponential backoff while the receiver fails (a connection error, a 429 or a 5xx)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable

import httpx
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from src.domain.jobs.model import Job

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature-SHA256"


class _ReceiverFailed(Exception):
    pass


def signature(secret: str, body: bytes) -> str:
    """What SIGNATURE_HEADER holds: `sha256=` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def job_event(job: Job) -> bytes:
    """The body: the job's id, state and counts, and where its results are."""
    event = {
        "event": "job.finished",
        "job": {
            "id": job.id,
            "state": job.state.value,
            "total": job.total,
            "done": job.done,
            "failed": job.failed,
            "fields": {status.value: count for status, count in job.fields.items()},
            "review": job.review,
            "results": f"/api/jobs/{job.id}/results",
        },
    }
    return json.dumps(event, separators=(",", ":")).encode("utf-8")


class HttpWebhookSender:
    """Tells a job's webhook that it is done (a JobListener). `secret_of(owner)` gives the key's
    signing secret; a job of the open API (no key) is sent unsigned."""

    def __init__(
        self,
        client: httpx.Client,
        secret_of: Callable[[str], str | None],
        attempts: int = 5,
        first_wait_seconds: float = 0.5,
        max_wait_seconds: float = 30.0,
    ) -> None:
        self._client = client
        self._secret_of = secret_of
        self._attempts = attempts
        self._wait = wait_exponential(multiplier=first_wait_seconds, max=max_wait_seconds)

    def job_finished(self, job: Job) -> None:
        if not job.webhook_url:
            return
        body = job_event(job)
        headers = {"Content-Type": "application/json", "X-Job-Id": job.id}
        secret = self._secret_of(job.owner)
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, body)
        retrying = Retrying(
            retry=retry_if_exception_type((_ReceiverFailed, httpx.TransportError)),
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
        )
        try:
            retrying(self._post, job.webhook_url, body, headers)
        except RetryError:
            log.warning("the webhook of job %s failed %d times; giving up", job.id, self._attempts)

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        answer = self._client.post(url, content=body, headers=headers)
        if answer.status_code == 429 or answer.status_code >= 500:
            raise _ReceiverFailed(f"{answer.status_code}")
        if answer.status_code >= 400:
            log.warning("the webhook receiver refused a job's event: %d", answer.status_code)
