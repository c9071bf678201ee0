"""A value read from a store and gone by for a while, so that a hot path does not read it on
every call: whether any API key exists, a key's monthly budget."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    """The value `read` gives, taken as still true for `seconds` after it was read (on
    `monotonic`); read again after that."""

    def __init__(
        self,
        read: Callable[[], V],
        seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._seconds = seconds
        self._monotonic = monotonic
        self._last: tuple[float, V] | None = None
        """When the value was read last (before the read), and what it was."""

    def get(self) -> V:
        """The value read last while that is recent enough, else the value read now."""
        now = self._monotonic()
        if self._last is not None and now - self._last[0] < self._seconds:
            return self._last[1]
        value = self._read()
        self._last = (now, value)
        return value

    def known(self, value: V) -> bool:
        """True when the last read, recent enough to go by, gave `value`: no read needed."""
        last = self._last
        return last is not None and last[1] == value and self._monotonic() - last[0] < self._seconds
