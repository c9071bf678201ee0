"""Example selection: which labelled examples of each field a lookup shows the model.

The policy is the domain's: `TrigramSimilarity` ranks a field's examples by pg_trgm's
similarity to the product text (shared trigrams over the trigrams of both), the example stored
first among equals, and keeps `k`. The storage only supplies candidates (`ExampleCandidates`): a
bounded set per field, taken from an index the database keeps. A field with no more examples
than the policy's bound gives them all, so the choice is the ranking of every example; above it,
the database's index picks which to rank (see `docs/architecture.md`, "Example selection").
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Protocol, overload

from src.domain.catalogue.trigrams import example_trigrams, trigrams
from src.domain.model import Example

_ORDER = attrgetter("order")

CANDIDATE_BOUND = 64
"""The examples of one field ranked for one lookup, at most (plus the `k` stored first)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An example the storage offers to rank, and its place in the stored order (its id)."""

    example: Example
    order: int


class CandidatePool(Sequence[Candidate]):
    """A field's candidates that come back lookup after lookup (all the examples of a small
    field): each offered once, in stored order, with an index built on first use that numbers
    the pool's trigrams and holds each candidate's as the bits of one integer, so that counting
    the trigrams a candidate shares with a text is one `&` and one `bit_count`, not a read of
    its trigrams."""

    __slots__ = ("_candidates", "_index")

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._candidates = tuple(sorted({c.order: c for c in candidates}.values(), key=_ORDER))
        self._index: _PoolIndex | None = None

    @overload
    def __getitem__(self, position: int) -> Candidate: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[Candidate]: ...

    def __getitem__(self, position: int | slice) -> Candidate | Sequence[Candidate]:
        return self._candidates[position]

    def __len__(self) -> int:
        return len(self._candidates)

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self._candidates)

    def shared(self, wanted: frozenset[str]) -> tuple[list[int], tuple[int, ...]]:
        """How many of `wanted` each candidate's trigrams hold, and every candidate's count of
        trigrams, both by position."""
        index = self._index or self._indexed()
        held = sum(filter(None, map(index.bits.get, wanted)))  # the bits of those it holds
        return list(map(int.bit_count, map(held.__and__, index.masks))), index.sizes

    def _indexed(self) -> _PoolIndex:
        bits: dict[str, int] = {}
        masks, sizes = [], []
        for candidate in self._candidates:
            grams = example_trigrams(candidate.example.context)
            sizes.append(len(grams))
            masks.append(sum(bits.setdefault(gram, 1 << len(bits)) for gram in grams))
        self._index = _PoolIndex(bits, tuple(masks), tuple(sizes))
        return self._index


@dataclass(frozen=True, slots=True)
class _PoolIndex:
    """A pool's trigrams, each a bit (`bits`); each candidate's trigrams as the sum of theirs
    (`masks`), and how many they are (`sizes`), by position."""

    bits: dict[str, int]
    masks: tuple[int, ...]
    sizes: tuple[int, ...]


class ExampleCandidates(Protocol):
    """What a database offers the selection policy: per field, a bounded set of examples."""

    def candidates(
        self,
        field_codes: Sequence[str],
        description: str,
        bound: int,
        k: int,
        exclude_context: str | None = None,
        revisions: Mapping[str, int] | None = None,
    ) -> dict[str, Sequence[Candidate]]:
        """For each field with examples: all of them when it has at most `bound`; else the
        `bound` its text index finds most like `description`, and its first `k` in stored order
        (what is chosen when fewer examples share anything with the text). Never the examples
        whose text is `exclude_context`. A field's candidates may come as a `CandidatePool`
        when the same come back for other texts; `revisions` (the fields' as the caller read
        them) saves reading them again to know whether held candidates are current."""
        ...


class SelectionPolicy(Protocol):
    """Ranks a field's candidate examples for a product text and keeps the best `k`."""

    @property
    def identity(self) -> str:
        """Its name, version and bound: part of the lookup cache key, so that a changed ranking
        never serves answers given with the examples of another."""
        ...

    @property
    def bound(self) -> int:
        """How many candidates of a field it ranks (the storage's bound)."""
        ...

    def choose(
        self, description: str, candidates: Mapping[str, Sequence[Candidate]], k: int
    ) -> dict[str, list[Example]]:
        """For each field with candidates, its `k` best, best first."""
        ...


@dataclass(frozen=True, slots=True)
class TrigramSimilarity:
    """pg_trgm's `similarity()`: shared trigrams over all the trigrams of both texts; equals in
    stored order. Examples sharing no trigram come last, in stored order."""

    bound: int = CANDIDATE_BOUND
    name: str = "trigram-similarity"
    version: int = 1

    @property
    def identity(self) -> str:
        return f"{self.name} v{self.version}, {self.bound} candidates"

    def choose(
        self, description: str, candidates: Mapping[str, Sequence[Candidate]], k: int
    ) -> dict[str, list[Example]]:
        if k <= 0:
            return {}
        wanted = trigrams(description)
        chosen = {code: self._best(wanted, found, k) for code, found in candidates.items()}
        return {code: examples for code, examples in chosen.items() if examples}

    @staticmethod
    def _best(wanted: frozenset[str], found: Sequence[Candidate], k: int) -> list[Example]:
        if isinstance(found, CandidatePool):
            return _best_of_pool(wanted, found, k)
        unique = {candidate.order: candidate for candidate in found}.values()
        ranked = heapq.nsmallest(
            k, ((-similarity(wanted, c.example.context), c.order, c) for c in unique)
        )
        return [candidate.example for _, _, candidate in ranked]


def _best_of_pool(wanted: frozenset[str], pool: CandidatePool, k: int) -> list[Example]:
    """`TrigramSimilarity._best` read from the pool's index: the same similarity, order and
    fill (a candidate sharing no trigram is at 0, after all that share any; a pool is in stored
    order, which a stable sort keeps among equals)."""
    shared, sizes = pool.shared(wanted)
    size = len(wanted)
    similarities = [
        count / (size + grams - count) if count else 0.0
        for count, grams in zip(shared, sizes, strict=True)
    ]
    best = sorted(range(len(similarities)), key=similarities.__getitem__, reverse=True)[:k]
    return [pool[at].example for at in best]


def similarity(wanted: frozenset[str], text: str) -> float:
    """pg_trgm's similarity of a text of trigrams `wanted` and `text` (0 when neither has any)."""
    grams = example_trigrams(text)
    shared = len(wanted & grams)
    return shared / (len(wanted) + len(grams) - shared) if shared else 0.0


class SelectedExamples:
    """The ExampleRepository of a catalogue: candidates from the storage, chosen by the policy."""

    def __init__(self, candidates: ExampleCandidates, policy: SelectionPolicy) -> None:
        self._candidates = candidates
        self.policy = policy

    def most_similar(
        self,
        field_codes: Sequence[str],
        description: str,
        k: int,
        exclude_context: str | None = None,
        revisions: Mapping[str, int] | None = None,
    ) -> dict[str, list[Example]]:
        if not field_codes or k <= 0:
            return {}
        found = self._candidates.candidates(
            field_codes, description, self.policy.bound, k, exclude_context, revisions
        )
        return self.policy.choose(description, found, k)
