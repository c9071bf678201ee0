"""A pre-pass rule for text fields: a value the catalogue already holds for the field, found in
the product text as written.

A brand, a material, a gender or a sport type comes back product after product, and a catalogue
holds each of them in its labelled examples. When exactly one of a field's labelled values
appears in a text as a whole phrase (case- and accent-insensitive; a value inside a longer one
that also appears does not count: "Steel" in "Stainless Steel"), the rule answers that phrase as
the text writes it. Two different values found is doubt, left to the model.

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

MIN_MEASURED = 5
"""A field's rule answers only once it answered at least this many of its own examples."""
MIN_PRECISION = 0.9
"""…and was right on them this often (smoothed: (right + 1) / (answered + 2))."""
MAX_PIECES = 6
"""Longer labelled values (in words and punctuation marks) are not looked for."""

_PIECE = re.compile(r"\w+|[^\w\s]")

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    key: Key

    def inside(self, other: _Found) -> bool:
        return (
            other.start <= self.start
            and self.end <= other.end
            and (other.end - other.start) > (self.end - self.start)
        )


@dataclass(slots=True)
class KnownValues:
    """One text field's labelled values, and how well finding them in a text answered the field
    on its own examples."""

    counts: Counter[Key] = field(default_factory=Counter)
    """How many examples are labelled with each value (by its comparison key)."""
    by_context: dict[str, Key] = field(default_factory=dict)
    """The value each example text is labelled with, to leave one product's own label out."""
    right: int = 0
    answered: int = 0

    @property
    def confidence(self) -> float:
        """The rule's measured precision on the field's examples, smoothed (Laplace)."""
        return (self.right + 1) / (self.answered + 2)

    @property
    def reliable(self) -> bool:
        """Whether the rule answers for this field at all."""
        return self.answered >= MIN_MEASURED and self.confidence >= MIN_PRECISION

    def answer(self, description: str, exclude_context: str | None = None) -> str | None:
        """The one labelled value the text gives, as the text writes it; None when it gives
        none or several. `exclude_context`: an example text whose label does not count."""
        if not self.reliable:
            return None
        left_out = self.by_context.get(exclude_context) if exclude_context is not None else None
        found = self._one_value(description, left_out)
        return description[found.start : found.end] if found is not None else None

    def _one_value(self, text: str, left_out: Key | None) -> _Found | None:
        pieces = [
            (match.start(), match.end(), _folded(match.group())) for match in _PIECE.finditer(text)
        ]
        found = []
        for first in range(len(pieces)):
            for last in range(first, min(first + MAX_PIECES, len(pieces))):
                key = tuple(piece for _, _, piece in pieces[first : last + 1])
                if self.counts[key] - (key == left_out) > 0:
                    found.append(_Found(pieces[first][0], pieces[last][1], key))
        kept = [one for one in found if not any(one.inside(other) for other in found)]
        return kept[0] if len({one.key for one in kept}) == 1 else None


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
            known.by_context[example.context] = key
    for context, key in labels:
        found = known._one_value(context, key)
        if found is not None:
            known.answered += 1
            known.right += found.key == key
    return known


def _key(value: str) -> Key | None:
    key = tuple(_folded(piece) for piece in _PIECE.findall(value))
    return key or None


@lru_cache(maxsize=65536)
def _folded(piece: str) -> str:
    return strip_accents(piece).casefold()
