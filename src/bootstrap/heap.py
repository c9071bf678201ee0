"""The garbage collector of a long-running process, once its service is built.

What the service loads at start (the catalogue, the modules, the prompts' templates) lives as
long as the process. The collector's full passes would walk all of it again and again while
requests allocate; frozen, it is left out of them, and only what requests make is collected."""

from __future__ import annotations

import gc


def freeze_what_was_built() -> None:
    """Moves every object alive now out of the collector's sight (`gc.freeze`), after one
    collection so that no garbage is frozen with them."""
    gc.collect()
    gc.freeze()
