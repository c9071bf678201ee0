"""The garbage collector of a long-running process, once its service is built.

What the service loads at start (the catalogue, the modules, the prompts' templates) lives as
long as the process: frozen, it is left out of the collector's full passes, which would walk it
again and again. A request allocates thousands of small objects, nearly all freed by their
reference counts; collecting the young generation every 700 allocations (Python's default)
walks the objects of every request in flight each time, so it is collected every
`YOUNG_GENERATION_THRESHOLD` instead."""

from __future__ import annotations

import gc

YOUNG_GENERATION_THRESHOLD = 10_000
"""Allocations between two collections of the young generation: on the mock at 0 ms, 16
clients, the server's CPU time a request was 1 to 18 % lower than at 700 in six alternating
pairs of runs (docs/benchmarks.md)."""


def tune_the_collector() -> None:
    """Freezes every object alive now (`gc.freeze`, after one collection so that no garbage is
    frozen) and collects the young generation less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
