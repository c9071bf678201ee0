"""A pre-pass rule for text fields: a value the catalogue already holds for the field, found in
the product text as written.

A brand, a material, a gender or a sport type comes back product after product, and a catalogue
holds each of them in its labelled examples. When one of a field's labelled values appears in a
text as a whole phrase (case- and accent-insensitive, a plural as its singular: "Jerseys" reads
as "Jersey", "Mens" as "Men"; a value inside a longer one that also appears does not count:
"Steel" in "Stainless Steel"), the rule answers it: as the text writes it, or as the catalogue
labels it when the text writes another form ("Men" for "Mens"). When several values appear, the
one the field's examples are labelled with most often is answered ("Men" for "Men Women" where
the catalogue labels such titles "Men"); two as often is doubt, left to the model.

The rule is only as good as the field's values are distinctive (a model number is not; a brand
mostly is), so each field's rule is measured on its own examples first, leaving each one out in
turn: what the rule would answer for that example's text from the others' values, against its
label (a value where the label is null counts as wrong). A field's rule answers only when it was
measured on enough examples and right often enough; its confidence is that measured precision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from src.domain.model import Example
from src.domain.model.text_normalisation import strip_accents
from src.domain.prompting.prepass.found_spans import FoundSpan, outermost
from src.domain.prompting.prepass.measured import Measured

MAX_PIECES = 6
"""Longer labelled values (in words and punctuation marks) are not looked for."""

_PIECE = re.compile(r"\d+(?:[.,]\d+)+\w*|\w+|[^\w\s]")
"""Words, single punctuation marks, and decimal numbers whole ("6.5cm" is not "6", ".", "5cm")."""

Key = tuple[str, ...]


@dataclass(slots=True)
class KnownValues:
    """One text field's labelled values, and how well finding them in a text answered the field
    on its own examples."""

    counts: Counter[Key] = field(default_factory=Counter)
    """How many examples are labelled with each value (by its comparison key)."""
    spellings: dict[Key, Counter[str]] = field(default_factory=dict)
    """How the examples write each value, to answer a form the text does not write as labelled."""
    by_context: dict[str, Key] = field(default_factory=dict)
    """The value each example text is labelled with, to leave one product's own label out."""
    measured: Measured = Measured()

    def answer(self, description: str, exclude_context: str | None = None) -> str | None:
        """The labelled value the text gives (the most labelled of several), as the text writes
        it when that is a labelled form, else as most examples write it; None when the text
        gives none, or several labelled as often. `exclude_context`: an example text whose
        label does not count."""
        if not self.measured.contends:  # measured too unreliable to answer at all
            return None
        left_out = self.by_context.get(exclude_context) if exclude_context is not None else None
        found = self._one_value(description, left_out)
        if found is None:
            return None
        written = description[found.start : found.end]
        spellings = self.spellings.get(found.key, Counter())
        if _written_key(written) in {_written_key(spelling) for spelling in spellings}:
            return written
        return spellings.most_common(1)[0][0] if spellings else written

    def _one_value(self, text: str, left_out: Key | None) -> FoundSpan | None:
        pieces = [
            (match.start(), match.end(), _folded(match.group())) for match in _PIECE.finditer(text)
        ]
        found = []
        for first in range(len(pieces)):
            for last in range(first, min(first + MAX_PIECES, len(pieces))):
                key = tuple(piece for _, _, piece in pieces[first : last + 1])
                if self.counts[key] - (key == left_out) > 0:
                    found.append(FoundSpan(pieces[first][0], pieces[last][1], key))
        kept = outermost(found)
        labelled = Counter(
            {key: self.counts[key] - (key == left_out) for key in {one.key for one in kept}}
        ).most_common(2)
        if not labelled or (len(labelled) == 2 and labelled[0][1] == labelled[1][1]):
            return None
        return next(one for one in kept if one.key == labelled[0][0])


def known_values(examples: Sequence[Example]) -> KnownValues:
    """The rule of one text field, measured on `examples` (cached for the same examples)."""
    return _measured(tuple(examples))


@lru_cache(maxsize=512)
def _measured(examples: tuple[Example, ...]) -> KnownValues:
    known = KnownValues()
    labels: list[tuple[str, Key | None]] = []
    for example in examples:
        key = _key(example.value) if isinstance(example.value, str) else None
        if key is not None and len(key) > MAX_PIECES:
            key = None
        labels.append((example.context, key))
        if key is not None:
            known.counts[key] += 1
            known.spellings.setdefault(key, Counter())[str(example.value)] += 1
            known.by_context[example.context] = key
    for context, key in labels:
        found = known._one_value(context, key)
        if found is not None:
            known.measured = known.measured.counted(found.key == key)
    return known


def _key(value: str) -> Key | None:
    key = tuple(_folded(piece) for piece in _PIECE.findall(value))
    return key or None


def _written_key(text: str) -> Key:
    """`text` as written, but for case and accents (no plural read as its singular)."""
    return tuple(_case_folded(piece) for piece in _PIECE.findall(text))


def _case_folded(piece: str) -> str:
    return strip_accents(piece).casefold()


@lru_cache(maxsize=65536)
def _folded(piece: str) -> str:
    """A word as the rule compares it: without case and accents, a plural as its singular (a
    final s dropped from a word of more than three letters, but not from "ss": "Jerseys" and
    "Jersey", "Mens" and "Men", "verres" and "verre" compare equal; "Glass" and "Bus" stay)."""
    folded = _case_folded(piece)
    if len(folded) > 3 and folded.endswith("s") and not folded.endswith("ss"):
        return folded[:-1]
    return folded
