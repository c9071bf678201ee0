"""What connects a webhook's sockets in the tests of refused addresses: real sockets to loopback
only. Every address it is asked to connect to is recorded; one outside loopback is refused
before any packet leaves, so a test whose code under test is wrong fails without sending traffic
anywhere."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import httpcore


class LoopbackOnlyNetwork(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        self.connects.append((host, port))
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False  # a name: the code under test should have resolved it already
        if not loopback:
            raise httpcore.ConnectError(f"the tests connect only to loopback, not to {host}")
        return self._sockets.connect_tcp(host, port, timeout, local_address, socket_options)
