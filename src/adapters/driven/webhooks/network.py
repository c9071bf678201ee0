"""httpcore's network, for one delivery: it connects only to an address the policy allowed,
resolved once at connect time (no second resolution that DNS could answer otherwise), and holds
every step, resolving included, to the delivery's deadline. TLS still names the URL's host
(SNI and the certificate's check), as the Host header does."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpcore

from src.adapters.driven.webhooks.addresses import AddressRefused, WebhookAddressPolicy


class DeadlinePassed(httpcore.TimeoutException):
    """The delivery's deadline passed."""


class Deadline:
    """A moment `seconds` from now, on a monotonic clock."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def left(self) -> float:
        return self._end - self._clock()

    def bound(self, timeout: float | None) -> float:
        """`timeout` cut to what is left; DeadlinePassed when nothing is."""
        left = self.left()
        if left <= 0:
            raise DeadlinePassed(f"past the {self.seconds:g} s deadline")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.bound(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.bound(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        secured = self._stream.start_tls(
            ssl_context, server_hostname, self._deadline.bound(timeout)
        )
        return _DeadlineStream(secured, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class PinnedNetwork(httpcore.NetworkBackend):
    """Resolves the host httpcore asks for through the policy (which refuses it unless every
    address is one a webhook may reach), then connects `inner` to those very addresses."""

    def __init__(
        self, policy: WebhookAddressPolicy, deadline: Deadline, inner: httpcore.NetworkBackend
    ) -> None:
        self._policy = policy
        self._deadline = deadline
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._policy.addresses(host, port, self._deadline.bound(None))
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=self._deadline.bound(timeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
                continue
            return _DeadlineStream(stream, self._deadline)
        assert failure is not None  # the policy answers at least one address
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise AddressRefused("webhook_url may not name a Unix socket")

    def sleep(self, seconds: float) -> None:
        time.sleep(max(min(seconds, self._deadline.left()), 0.0))
