"""An embedded catalogue held in memory, read again when provisioning changes it.

On SQLite every lookup read its fields and its fields' examples, and ranked the examples in
Python anyway: under concurrent requests those reads cost more than the rest of a lookup
(sqlite3 gives up and takes back the GIL for every row). A snapshot holds every field and
example, with the trigrams of each example's text computed once, and answers both repository
ports from memory. It checks the stored catalogue version (which every provisioning and every
decision that changes an example raises, in its transaction) at most once every
`refresh_seconds`, so a change made by another process shows within that time; one made through
`invalidate()` shows at once. When the version has moved, the fields are read again, and the
examples of those fields only whose revision moved (a decision changes one field's).
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, islice

from peewee import Database

from src.adapters.driven.storage.repositories import (
    PeeweeRepository,
    context_hash,
    decoded_value,
    field_from_row,
)
from src.adapters.driven.storage.trigrams import trigrams
from src.domain.model import Example, Field

_ALL_FIELDS = (
    "SELECT code, label, type, options, unit, description, extract, revision, multiple FROM field"
)
_ALL_EXAMPLES = "SELECT id, field_code, context, context_hash, value FROM example ORDER BY id"
_EXAMPLES_OF = (
    "SELECT id, field_code, context, context_hash, value FROM example "
    "WHERE field_code IN ({codes}) ORDER BY id"
)
_CODES_PER_READ = 500
"""Within SQLite's oldest limit of 999 parameters a statement."""
_VERSION = "SELECT version FROM catalogue_version WHERE id = 1"


class _FieldExamples:
    """A field's examples, in the order they were stored, with an index from each trigram to
    the examples whose text holds it: ranking counts shared trigrams through the index rather
    than intersecting the description's trigrams with every example's."""

    __slots__ = ("examples", "hashes", "sizes", "by_trigram", "vocabulary")

    def __init__(self, examples: Sequence[Example], hashes: Sequence[str]) -> None:
        self.examples = tuple(examples)
        self.hashes = tuple(hashes)
        grams = [trigrams(example.context) for example in examples]
        self.sizes = tuple(len(found) for found in grams)
        by_trigram: dict[str, list[int]] = {}
        for position, found in enumerate(grams):
            for gram in found:
                by_trigram.setdefault(gram, []).append(position)
        self.by_trigram = {gram: tuple(positions) for gram, positions in by_trigram.items()}
        self.vocabulary = frozenset(by_trigram)

    def most_similar(self, wanted: frozenset[str], k: int, excluded: str | None) -> list[Example]:
        """The `k` examples most similar to a text of trigrams `wanted` (pg_trgm's similarity:
        shared trigrams over all trigrams of both), the first stored first among equals."""
        shared = Counter(
            chain.from_iterable(map(self.by_trigram.__getitem__, wanted & self.vocabulary))
        )
        size, sizes, hashes = len(wanted), self.sizes, self.hashes
        ranked = heapq.nsmallest(
            k,
            [
                (-count / (size + sizes[position] - count), position)
                for position, count in shared.items()
                if excluded is None or hashes[position] != excluded
            ],
        )
        chosen = [position for _, position in ranked]
        if len(chosen) < k:  # examples sharing no trigram are all equally (not) similar
            unrelated = (
                p for p in range(len(self.examples)) if p not in shared and hashes[p] != excluded
            )
            chosen.extend(islice(unrelated, k - len(chosen)))
        return [self.examples[position] for position in chosen]


@dataclass(frozen=True, slots=True)
class _Snapshot:
    version: int | None
    fields: dict[str, Field]
    examples: dict[str, _FieldExamples]


class CatalogueSnapshot(PeeweeRepository):
    """The FieldRepository and ExampleRepository of a catalogue small enough to hold in memory,
    ranking examples as pg_trgm's similarity() does (ties: the example stored first)."""

    def __init__(
        self,
        database: Database,
        refresh_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(database)
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._snapshot: _Snapshot | None = None
        self._fresh_until = float("-inf")
        self._lock = threading.Lock()
        self._invalidations = 0

    def invalidate(self) -> None:
        """The next read checks the stored version (after a provisioning in this process)."""
        self._invalidations += 1
        self._fresh_until = float("-inf")

    def get_many(self, codes: Sequence[str]) -> dict[str, Field]:
        fields = self._current().fields
        return {code: fields[code] for code in codes if code in fields}

    def get(self, code: str) -> Field | None:
        return self._current().fields.get(code)

    def list_all(self) -> list[Field]:
        fields = self._current().fields
        return [fields[code] for code in sorted(fields)]

    def most_similar(
        self,
        field_codes: Sequence[str],
        description: str,
        k: int,
        exclude_context: str | None = None,
    ) -> dict[str, list[Example]]:
        if not field_codes or k <= 0:
            return {}
        examples = self._current().examples
        excluded = context_hash(exclude_context) if exclude_context is not None else None
        wanted = trigrams(description)
        found = {
            code: examples[code].most_similar(wanted, k, excluded)
            for code in field_codes
            if code in examples
        }
        return {code: chosen for code, chosen in found.items() if chosen}

    def labelled(self, field_codes: Sequence[str]) -> dict[str, Sequence[Example]]:
        examples = self._current().examples
        return {code: examples[code].examples for code in field_codes if code in examples}

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and self._clock() < self._fresh_until:
            return snapshot
        with self._lock:
            checked_at = self._clock()
            if self._snapshot is not None and checked_at < self._fresh_until:
                return self._snapshot  # another thread checked while this one waited
            invalidations = self._invalidations
            snapshot = self._run(lambda: self._read(self._snapshot))
            self._snapshot = snapshot
            if invalidations == self._invalidations:  # else a provisioning ended during the read
                self._fresh_until = checked_at + self._refresh_seconds
            return snapshot

    def _read(self, held: _Snapshot | None) -> _Snapshot:
        """The stored catalogue, read in one transaction so that its version matches it; what
        is held already when the version has not moved, and the examples held of each field
        whose revision has not moved."""
        with self._database.atomic():
            stored = self._database.execute_sql(_VERSION).fetchone()
            version = None if stored is None else int(stored[0])
            if held is not None and version is not None and held.version == version:
                return held
            fields = {
                row[0]: field_from_row(*row) for row in self._database.execute_sql(_ALL_FIELDS)
            }
            if held is None:
                rows = self._examples(self._database.execute_sql(_ALL_EXAMPLES))
                examples = _indexed(rows)
            else:
                examples = {code: held.examples[code] for code in fields if code in held.examples}
                moved = [code for code, f in fields.items() if _moved(held, f)]
                for code in moved:
                    examples.pop(code, None)
                for start in range(0, len(moved), _CODES_PER_READ):
                    codes = moved[start : start + _CODES_PER_READ]
                    sql = _EXAMPLES_OF.format(codes=", ".join([self._database.param] * len(codes)))
                    examples.update(
                        _indexed(self._examples(self._database.execute_sql(sql, codes)))
                    )
        return _Snapshot(version, fields, examples)

    @staticmethod
    def _examples(
        cursor: Iterable[tuple[int, str, str, str, str | None]],
    ) -> dict[str, list[tuple[Example, str]]]:
        rows: dict[str, list[tuple[Example, str]]] = {}
        for _, code, context, digest, value in cursor:
            rows.setdefault(code, []).append((Example(code, context, decoded_value(value)), digest))
        return rows


def _indexed(rows: dict[str, list[tuple[Example, str]]]) -> dict[str, _FieldExamples]:
    return {code: _FieldExamples(*zip(*found, strict=True)) for code, found in rows.items()}


def _moved(held: _Snapshot, field: Field) -> bool:
    """Whether the examples held of `field` may be stale: it is new, or its revision moved."""
    before = held.fields.get(field.code)
    return before is None or before.revision != field.revision
