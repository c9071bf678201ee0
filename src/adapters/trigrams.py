"""pg_trgm's similarity, in Python, so that SQLite ranks examples as Postgres does."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigram set: each lower-cased word padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


_example_trigrams = lru_cache(maxsize=16384)(trigrams)
"""The trigrams of the examples' texts, which come back with every lookup; product descriptions,
new each time, are not kept."""


def similarity_to(grams: frozenset[str], text: str | None) -> float:
    """pg_trgm's similarity() of a text whose trigrams are `grams` (a description's, computed
    once a lookup) and an example's `text`: shared trigrams over all trigrams of both, 0 to 1."""
    if not text:
        return 0.0
    other = _example_trigrams(text)
    shared = len(grams & other)
    union = len(grams) + len(other) - shared
    return shared / union if union else 0.0
