"""pg_trgm's similarity, in Python, so that SQLite ranks examples as Postgres does."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65536)
def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigram set: each lower-cased word padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity(left: str | None, right: str | None) -> float:
    """Shared trigrams over all trigrams of both texts, from 0 to 1, as pg_trgm's similarity()."""
    if not left or not right:
        return 0.0
    return similarity_to(trigrams(left), right)


def similarity_to(grams: frozenset[str], text: str | None) -> float:
    """similarity() of a text whose trigrams are `grams` (computed once) and `text`."""
    if not text:
        return 0.0
    other = trigrams(text)
    shared = len(grams & other)
    union = len(grams) + len(other) - shared
    return shared / union if union else 0.0
