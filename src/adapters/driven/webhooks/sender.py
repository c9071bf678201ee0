"""The webhook of a finished job: a JSON POST to the job's `webhook_url`, signed with the key's
secret (HMAC-SHA256 of the body, hex, in `X-Signature-SHA256: sha256=…`). One attempt at a time,
within an overall deadline; the outbox decides what comes next."""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
from collections.abc import Callable

import httpcore

from src.adapters.driven.webhooks.addresses import (
    AddressRefused,
    HostUnresolved,
    Receiver,
    WebhookAddressPolicy,
    receiver,
)
from src.adapters.driven.webhooks.network import Deadline, PinnedNetwork
from src.domain.jobs.model import Job
from src.domain.jobs.webhooks import Attempt, AttemptResult

SIGNATURE_HEADER = "X-Signature-SHA256"


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
    """Tells a job's webhook that it is done (a WebhookSender). `secret_of(owner)` gives the
    key's signing secret; a job of the open API (no key) is sent unsigned.

    Each attempt has `deadline_seconds` in all, from resolving the host to the answer's status
    and headers (its body is not read), on a connection of its own to the address the policy
    allowed (`network` connects it: the system's sockets unless a test gives its own).
    Redirects are not followed."""

    def __init__(
        self,
        secret_of: Callable[[str], str | None],
        policy: WebhookAddressPolicy,
        deadline_seconds: float,
        network: httpcore.NetworkBackend | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._secret_of = secret_of
        self._policy = policy
        self._deadline_seconds = deadline_seconds
        self._network = network or httpcore.SyncBackend()
        self._ssl_context = ssl_context or httpcore.default_ssl_context()

    def send(self, job: Job, url: str) -> Attempt:
        body = job_event(job)
        try:
            status = self._post(receiver(url), body, self._headers(job, body))
        except AddressRefused as error:
            return Attempt(AttemptResult.REFUSED, str(error))
        except HostUnresolved as error:
            return Attempt(AttemptResult.RETRY, str(error))
        except httpcore.TimeoutException:
            return Attempt(
                AttemptResult.RETRY, f"no answer within the {self._deadline_seconds:g} s deadline"
            )
        except (httpcore.NetworkError, httpcore.ProtocolError) as error:
            return Attempt(AttemptResult.RETRY, f"{type(error).__name__}: {error}")
        answered = f"the receiver answered {status}"
        if 200 <= status < 300:
            return Attempt(AttemptResult.SENT, answered)
        if status == 429 or status >= 500:
            return Attempt(AttemptResult.RETRY, answered)
        return Attempt(AttemptResult.REFUSED, answered)

    def _headers(self, job: Job, body: bytes) -> list[tuple[str, str]]:
        headers = [
            ("Content-Type", "application/json"),
            ("User-Agent", "field-lookup-webhook"),
            ("X-Job-Id", job.id),
        ]
        secret = self._secret_of(job.owner)
        if secret:
            headers.append((SIGNATURE_HEADER, signature(secret, body)))
        return headers

    def _post(self, target: Receiver, body: bytes, headers: list[tuple[str, str]]) -> int:
        deadline = Deadline(self._deadline_seconds)
        network = PinnedNetwork(self._policy, deadline, self._network)
        url = httpcore.URL(
            scheme=target.scheme.encode("ascii"),
            host=target.host.encode("ascii"),
            port=target.port,
            target=target.target.encode("ascii"),
        )
        seconds = self._deadline_seconds
        timeouts = {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}
        with (
            httpcore.ConnectionPool(
                ssl_context=self._ssl_context, network_backend=network, max_connections=1
            ) as pool,
            pool.stream(
                "POST",
                url,
                headers=[("Host", target.authority), *headers],
                content=body,
                extensions={"timeout": timeouts},
            ) as response,
        ):
            return response.status
