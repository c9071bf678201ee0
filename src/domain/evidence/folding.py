"""A case- and accent-folded copy of a text that remembers where each of its characters came
from, so that a match in the folded copy gives offsets in the original text.

Folding goes character by character (NFKD without combining marks, then casefold), so "É" and
"é" fold to "e", "ß" to "ss" and a decomposed "e\u0301" to "e", and runs of white space fold to
one space; CJK and emoji stay as they are. Offsets are Python string indices: code points.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from src.domain.model.evidence import Span


@dataclass(frozen=True, slots=True)
class FoldedText:
    original: str
    folded: str
    origins: tuple[int, ...]
    """For each character of `folded`, the index in `original` of the character it came from."""

    def span(self, folded_start: int, folded_end: int) -> Span:
        """The span of the original text that folded to `folded[folded_start:folded_end]`."""
        start = self.origins[folded_start]
        end = self.origins[folded_end - 1] + 1
        while end < len(self.original) and unicodedata.combining(self.original[end]):
            end += 1  # the accents of the last letter, when the text is decomposed
        return Span.of(self.original, start, end)

    def find_all(self, needle: str, whole_words: bool = True, plural: bool = False) -> list[Span]:
        """Every occurrence of the folded `needle`, as spans of the original text; with
        `whole_words`, only where it is not glued to letters or digits on either side; with
        `plural` too, also where its last word ends in an s more ("Men" in "Mens")."""
        key = fold(needle).strip()
        if not key:
            return []
        edge_before = r"(?<!\w)" if whole_words and key[0].isalnum() else ""
        edge_after = r"(?!\w)" if whole_words and key[-1].isalnum() else ""
        ending = "s" if plural and whole_words and key[-1].isalpha() else ""
        pattern = re.compile(edge_before + re.escape(key) + ending + edge_after)
        return [self.span(*match.span()) for match in pattern.finditer(self.folded)]


def fold(text: str) -> str:
    return folded_text(text).folded


@lru_cache(maxsize=1024)
def folded_text(text: str) -> FoldedText:
    if text.isascii():
        return _folded_ascii(text)
    characters: list[str] = []
    origins: list[int] = []
    for index, character in enumerate(text):
        if character.isspace():
            if characters and characters[-1] == " ":
                continue
            pieces = " "
        else:
            pieces = _fold_character(character)
        characters.extend(pieces)
        origins.extend([index] * len(pieces))
    return FoldedText(text, "".join(characters), tuple(origins))


_WHITE_SPACE = re.compile(r"\s+")
_WHITE_SPACE_TO_FOLD = re.compile(r"\s\s|[^\S ]")
"""Two white-space characters in a row, or one that is not a plain space."""


def _folded_ascii(text: str) -> FoldedText:
    """`folded_text` of an ASCII text, without going character by character: an ASCII letter
    folds to its lower case and nothing else changes, but for runs of white space."""
    lowered = text.lower()
    if not _WHITE_SPACE_TO_FOLD.search(lowered):  # most product texts: one character each
        return FoldedText(text, lowered, tuple(range(len(text))))
    pieces: list[str] = []
    origins: list[int] = []
    done = 0
    for run in _WHITE_SPACE.finditer(lowered):
        pieces += (lowered[done : run.start()], " ")
        origins += range(done, run.start() + 1)
        done = run.end()
    pieces.append(lowered[done:])
    origins += range(done, len(text))
    return FoldedText(text, "".join(pieces), tuple(origins))


@lru_cache(maxsize=4096)
def _fold_character(character: str) -> str:
    decomposed = unicodedata.normalize("NFKD", character)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
