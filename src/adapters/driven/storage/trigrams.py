"""pg_trgm's trigrams, in Python, so that SQLite ranks examples as PostgreSQL does."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigram set: each lower-cased word padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in _words(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def _words(text: str) -> list[str]:
    """Runs of letters and decimal digits, as pg_trgm reads them: a superscript or a fraction
    ("mm²", "½") is a number to Python's regular expressions, not to PostgreSQL."""
    words = _WORD.findall(text)
    if text.isascii():
        return words
    return [part for word in words for part in _split_at_other_numbers(word)]


def _split_at_other_numbers(word: str) -> list[str]:
    if all(char.isalpha() or char.isdecimal() for char in word):
        return [word]
    kept = "".join(char if char.isalpha() or char.isdecimal() else " " for char in word)
    return kept.split()
