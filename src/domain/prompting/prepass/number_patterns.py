"""A pre-pass rule for text fields whose values are numbers in the field's own wording: a pack
("12/Pack", "1,000/Box"), a capacity ("300-GB", "30 Sheet"), a speed ("2.4GHz", "15K"), an
alloy ("14k rose gold").

A value's *pattern* is its words with its number read as `#` ("12/Pack" is `#/pack`, "300-GB"
`#-gb`), whatever its case and its spaces: one number, first (a code such as "YA1234" or
"435952-B21" has a shape, `code_values.py`; two numbers are a range or a size). A pattern that
at least `MIN_LABELLED` of a field's labelled values share is the field's wording. When a text
writes exactly one value in such a pattern (however often), that value is the answer, as
written; several, the one whose pattern the field's values share most; several as often, doubt,
left to the model. A match inside a longer one does not count ("14k" inside "14k rose gold").

A pattern is only as good as the texts' other numbers are worded otherwise, so, as for the
known values (`known_values.py`), the rule is measured on the field's own examples first,
leaving each example's own pattern out in turn, and answers only where it was right often
enough; its confidence is that measured precision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from src.domain.model import Example
from src.domain.prompting.prepass.found_spans import FoundSpan, outermost
from src.domain.prompting.prepass.measured import Measured, measured_on

MIN_LABELLED = 2
"""A pattern is the field's wording once this many of its labelled values (others than the
product's own) share it."""
MAX_PIECES = 6
"""Longer values (in numbers, words and marks) are phrases, not worded numbers."""

_NUMBER = r"\d+(?:[.,]\d+)*(?:\s\d+/\d+|/\d+)?"
"""A number as values write it: "1,000", "2.4", "3 1/2", "7/16"."""
_PIECE = re.compile(rf"(?P<number>{_NUMBER})|[^\W\d_]+|[^\w\s]")

Pattern = tuple[str, ...]


@dataclass(slots=True)
class NumberPatterns:
    """One text field's patterns, and how well finding a value in them answered the field on its
    own examples."""

    labelled: Counter[Pattern] = field(default_factory=Counter)
    """How many examples are labelled with a value of each pattern."""
    by_context: dict[str, Pattern] = field(default_factory=dict)
    """The pattern each example text is labelled with, to leave one product's own label out."""
    measured: Measured = Measured()

    def answer(self, description: str, exclude_context: str | None = None) -> str | None:
        """The one value in the field's patterns that the text writes (of several, the one whose
        pattern is most labelled), as written; None when it writes none, or several as
        labelled. `exclude_context`: an example text whose label does not count."""
        if not self.measured.contends:  # measured too unreliable to answer at all
            return None
        return self._one_value(description, exclude_context)

    def _one_value(self, text: str, exclude_context: str | None) -> str | None:
        left_out = self.by_context.get(exclude_context) if exclude_context is not None else None
        found = [
            FoundSpan(match.start(), match.end(), pattern)
            for pattern, count in self.labelled.items()
            if count - (pattern == left_out) >= MIN_LABELLED
            for match in _regex(pattern).finditer(text)
        ]
        kept = outermost(found)
        values: dict[str, tuple[int, str]] = {}
        for one in kept:
            written = text[one.start : one.end]
            count = self.labelled[one.key] - (one.key == left_out)
            values[same_key(written)] = max(
                values.get(same_key(written), (0, "")), (count, written)
            )
        ranked = sorted(values.values(), reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0][0] == ranked[1][0]):
            return None
        return ranked[0][1]


def number_patterns(examples: Sequence[Example]) -> NumberPatterns:
    """The rule of one text field, measured on `examples` (cached for the same examples)."""
    return _measured(tuple(examples))


@lru_cache(maxsize=512)
def _measured(examples: tuple[Example, ...]) -> NumberPatterns:
    patterns = NumberPatterns()
    for example in examples:
        if isinstance(example.value, str) and (pattern := pattern_of(example.value)):
            patterns.labelled[pattern] += 1
            patterns.by_context[example.context] = pattern
    if not any(count >= MIN_LABELLED for count in patterns.labelled.values()):
        return patterns
    patterns.measured = measured_on(
        examples,
        lambda text: patterns._one_value(text, text),
        lambda a, b: same_key(a) == same_key(b),
    )
    return patterns


def pattern_of(value: str) -> Pattern | None:
    """A value's pattern ("12/Pack": ("#", "/", "pack")); None for a value that is not one
    number then words, or is too long."""
    pieces = [match for match in _PIECE.finditer(value)]
    if not 1 < len(pieces) <= MAX_PIECES or "".join(m.group() for m in pieces) != "".join(
        value.split()
    ):
        return None
    pattern = tuple("#" if match["number"] else match.group().casefold() for match in pieces)
    if pattern[0] != "#" or pattern.count("#") != 1:
        return None  # a code ("YA1234", "435952-B21"), or a range or a size ("2 x 4 cm")
    return pattern if any(piece.isalpha() for piece in pattern) else None


def same_key(value: str) -> str:
    """A value as the rule compares it: without case or spaces ("300 GB" is "300GB")."""
    return "".join(value.split()).casefold()


@lru_cache(maxsize=4096)
def _regex(pattern: Pattern) -> re.Pattern[str]:
    """The pattern's values in a text, spaces optional between pieces; not glued to a word or a
    number before or after."""
    pieces = (_NUMBER if piece == "#" else re.escape(piece) for piece in pattern)
    return re.compile(r"(?<![\w.,/-])" + r"\s?".join(pieces) + r"(?![\w/])", re.IGNORECASE)
