"""Values computed from an object, kept while the very same object comes back: a store that
hands out the same sequence of examples while the catalogue does not change (`LabelledValues`)
lets a lookup skip even the hashing of what it measured before."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Source = TypeVar("Source")
Computed = TypeVar("Computed")


class IdentityMemo(Generic[Source, Computed]):
    """At most `size` values, the least recently used dropped first; an object equal to one
    held but not the same is computed again."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._held: OrderedDict[int, tuple[Source, Computed]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, source: Source, compute: Callable[[Source], Computed]) -> Computed:
        """`compute(source)`, or what it gave for this very object before."""
        key = id(source)
        with self._lock:
            held = self._held.get(key)
            if held is not None and held[0] is source:
                self._held.move_to_end(key)
                return held[1]
        computed = compute(source)
        with self._lock:
            self._held[key] = (source, computed)  # holding `source` keeps its id its own
            self._held.move_to_end(key)
            while len(self._held) > self._size:
                self._held.popitem(last=False)
        return computed
