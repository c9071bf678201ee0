"""The ports of the lookup beside the catalogue's: the storage's health, the shared cache of
answers, and an observer of finished lookups (metrics)."""

from __future__ import annotations

from typing import Protocol

from src.domain.lookup.cache import CachedAnswer
from src.domain.model import LookupResult


class HealthProbe(Protocol):
    """Says whether the storage answers."""

    def check(self) -> None:
        """Returns when the database answers; raises StorageUnavailableError otherwise."""
        ...


class LookupCache(Protocol):
    """Answers already given, shared by every worker process, by cache key."""

    def get_many(self, keys: list[str]) -> dict[str, CachedAnswer]:
        """The fresh answers among `keys`, in one query; missing and expired keys are left out."""
        ...

    def put_many(self, answers: dict[str, CachedAnswer]) -> None:
        """Stores or replaces these answers. The lookup calls it as each lookup ends, so it
        must not keep the lookup waiting: a slow store is written behind (WriteBehindCache)."""
        ...


class LookupObserver(Protocol):
    """Hears of every finished lookup (for metrics)."""

    def lookup_finished(self, result: LookupResult) -> None: ...
