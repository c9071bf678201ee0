"""The answers a schema lists, as a tree of their tokens, and the log-probabilities known of it.

The greedy answer's positions are known from the completion; an answer whose known start is
already less than `NEGLIGIBLE` times as probable as the greedy answer is left out; the rest are
read by a `PositionReader` (`whole_answers.LlamaPositions`), each from where it leaves the
tree's known part.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np

NEGLIGIBLE = 1e-3
"""An answer whose known start is less probable than this times the greedy answer is left out
of the sum: the greedy answer's share is then off by at most this much per answer left out."""

Tokens = tuple[int, ...]


class PositionReader(Protocol):
    """Reads the positions after a prompt that an answer's tokens lead to."""

    def read(self, tokens: Tokens, first: int) -> list[tuple[int, np.ndarray]] | None:
        """Every token's log-probability after `tokens[:end]`, for each `end` from `first` (or
        before) to the last token's; None when it cannot."""
        ...


class AnswerTree:
    """The answers' tokens as a tree: for each inner prefix, the tokens that follow it, and
    their log-probabilities as they become known."""

    def __init__(self, spelled: list[Tokens], greedy: Tokens, known: Sequence[np.ndarray]) -> None:
        self._spelled = spelled
        self._children: dict[Tokens, set[int]] = {}
        for tokens in spelled:
            for end in range(len(tokens)):
                self._children.setdefault(tokens[:end], set()).add(tokens[end])
        self._found: dict[tuple[Tokens, int], float] = {}
        for end, log_p in enumerate(known[: len(greedy) + 1]):
            self.learn(greedy[:end], log_p)
        self._left_out = self._negligible(greedy)

    def learn(self, prefix: Tokens, log_p: np.ndarray) -> None:
        """Takes the log-probabilities of the tokens that may follow `prefix`."""
        for child in self._children.get(prefix, ()):
            self._found[(prefix, child)] = float(log_p[child])

    def _negligible(self, greedy: Tokens) -> set[Tokens]:
        """The answers that their known positions make negligible beside the greedy answer."""
        best = self._known_part(greedy) if greedy in self._spelled else None
        if best is None or not self._complete(greedy):
            return set()
        return {
            tokens
            for tokens in self._spelled
            if self._known_part(tokens) < best + math.log(NEGLIGIBLE)
        }

    def _known_part(self, tokens: Tokens) -> float:
        """The log-probability of `tokens`' longest known start: an upper bound of its own."""
        total = 0.0
        for end in range(len(tokens)):
            step = self._found.get((tokens[:end], tokens[end]))
            if step is None:
                break
            total += step
        return total

    def _complete(self, tokens: Tokens) -> bool:
        return all((tokens[:end], tokens[end]) in self._found for end in range(len(tokens)))

    def _wanted(self) -> list[Tokens]:
        return [t for t in self._spelled if t not in self._left_out and not self._complete(t)]

    def rows_to_read(self) -> int:
        """The positions left to read: the inner prefixes of the wanted answers not yet known."""
        return len(
            {
                tokens[:end]
                for tokens in self._wanted()
                for end in range(len(tokens))
                if (tokens[:end], tokens[end]) not in self._found
            }
        )

    def read(self, reader: PositionReader) -> bool:
        """Reads every wanted answer's unknown positions, one batch an answer; False when the
        KV cache could not be cut for one."""
        for tokens in self._wanted():
            unknown = (e for e in range(len(tokens)) if (tokens[:e], tokens[e]) not in self._found)
            first = next(unknown, None)
            if first is None:  # the positions it needs were read with an earlier answer
                continue
            rows = reader.read(tokens, first)
            if rows is None:
                return False
            for end, log_p in rows:
                self.learn(tokens[:end], log_p)
        return True

    def log_probability(self, tokens: Tokens) -> float | None:
        """The answer's log-probability; None for one left out as negligible."""
        if tokens in self._left_out:
            return None
        return sum(self._found[(tokens[:end], tokens[end])] for end in range(len(tokens)))
