"""Deadlines as `time.monotonic()` instants."""

from __future__ import annotations

import time


def seconds_left(deadline: float) -> float:
    """Seconds until `deadline`, never negative."""
    return max(0.0, deadline - time.monotonic())
