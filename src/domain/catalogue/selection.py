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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from src.domain.catalogue.trigrams import example_trigrams, trigrams
from src.domain.model import Example

CANDIDATE_BOUND = 64
"""The examples of one field ranked for one lookup, at most (plus the `k` stored first)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An example the storage offers to rank, and its place in the stored order (its id)."""

    example: Example
    order: int


class ExampleCandidates(Protocol):
    """What a database offers the selection policy: per field, a bounded set of examples."""

    def candidates(
        self,
        field_codes: Sequence[str],
        description: str,
        bound: int,
        k: int,
        exclude_context: str | None = None,
    ) -> dict[str, list[Candidate]]:
        """For each field with examples: all of them when it has at most `bound`; else the
        `bound` its text index finds most like `description`, and its first `k` in stored order
        (what is chosen when fewer examples share anything with the text). Never the examples
        whose text is `exclude_context`."""
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
        unique = {candidate.order: candidate for candidate in found}.values()
        ranked = heapq.nsmallest(
            k, ((-similarity(wanted, c.example.context), c.order, c) for c in unique)
        )
        return [candidate.example for _, _, candidate in ranked]


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
    ) -> dict[str, list[Example]]:
        if not field_codes or k <= 0:
            return {}
        found = self._candidates.candidates(
            field_codes, description, self.policy.bound, k, exclude_context
        )
        return self.policy.choose(description, found, k)
