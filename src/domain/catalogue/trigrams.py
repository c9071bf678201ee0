"""pg_trgm's trigrams, as PostgreSQL computes them: the words of a text the selection policy
compares."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")
_ASCII_WORDS = bytes(
    byte + 32 if chr(byte).isupper() else byte if chr(byte).isalnum() else 32 for byte in range(128)
).ljust(256, b" ")
"""An ASCII text's letters lower-cased, its digits kept and every other character a space."""
_WORDS_REMEMBERED = 65536
"""A catalogue's vocabulary repeats: the trigrams of this many words are kept (a few MB)."""
_TEXTS_REMEMBERED = 4096
"""The candidates of a field come back lookup after lookup: the trigram sets of this many example
texts are kept (some 10 KB each), so a lookup reads each candidate's words once, not every time."""


def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigram set: each lower-cased word padded with two spaces before, one after."""
    return frozenset().union(*map(_word_trigrams, words(text)))


@lru_cache(maxsize=_TEXTS_REMEMBERED)
def example_trigrams(text: str) -> frozenset[str]:
    """`trigrams` of an example's text, remembered: the candidates a lookup ranks."""
    return trigrams(text)


def words(text: str) -> list[str]:
    """The lower-cased words pg_trgm reads: runs of letters and decimal digits. A superscript or
    a fraction ("mm²", "½") is a number to Python's regular expressions, not to PostgreSQL."""
    if text.isascii():  # most texts: a table's translation, cheaper than the expression
        return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    lowered = text.lower()
    found = _WORD.findall(lowered)
    return [part for word in found for part in _split_at_other_numbers(word)]


@lru_cache(maxsize=_WORDS_REMEMBERED)
def _word_trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


@lru_cache(maxsize=_WORDS_REMEMBERED)
def _split_at_other_numbers(word: str) -> list[str]:
    if word.isascii() or all(char.isalpha() or char.isdecimal() for char in word):
        return [word]
    kept = "".join(char if char.isalpha() or char.isdecimal() else " " for char in word)
    return kept.split()
