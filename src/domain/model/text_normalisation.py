"""Comparison keys for free text: case-, accent- and spacing-insensitive."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = " \t\n\r\"'`«»“”‘’.,;:!?()[]{}"


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=65536)
def comparison_key(text: str) -> str:
    """'  Chromé. ' and 'chrome' give the same key; inner punctuation ('E27', 'A+') is kept."""
    folded = strip_accents(text).casefold()
    return _SPACES.sub(" ", folded).strip(_EDGE_PUNCTUATION)
