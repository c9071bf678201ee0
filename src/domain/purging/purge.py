"""Purging: rows that no longer serve (cache answers past their age, ended rate-limit windows)
are deleted a bounded batch at a time, so that a long-running service does not grow its
database without end, and no pass holds the database for long."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class ExpiredRows(Protocol):
    """Rows of one kind that have outlived their use."""

    name: str
    """What they are, for the log: "lookup_cache"."""

    def delete_expired(self, at_most: int) -> int:
        """Deletes at most `at_most` of them, the oldest first where that is known; returns
        how many. StorageUnavailableError when the database does not answer."""
        ...


class Purging:
    """One pass deletes at most `batch_rows` rows of each kind."""

    def __init__(self, kinds: Sequence[ExpiredRows], batch_rows: int) -> None:
        self._kinds = tuple(kinds)
        self._batch_rows = batch_rows

    def purge_once(self) -> dict[str, int]:
        """One bounded pass: the rows deleted, by kind."""
        return {kind.name: kind.delete_expired(self._batch_rows) for kind in self._kinds}

    def filled_a_batch(self, deleted: dict[str, int]) -> bool:
        """Whether a pass deleted a whole batch of some kind: more may be waiting."""
        return any(count >= self._batch_rows for count in deleted.values())
