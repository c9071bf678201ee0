"""A pre-pass rule for text fields a catalogue fills with codes: a UPC, a part number, a
manufacturer's stock number, a model number.

A code is one run of letters and digits (with `-`, `/` or `.` inside, as in "435952-B21"),
holding at least one digit, but not a number and the word it counts or measures ("12in",
"6-Piece", "300-GB": a size). Codes of one field share a few *shapes*: each digit read as `9`,
each capital as `A`, each small letter as `a`, the rest as written ("021200726125" is
`999999999999`, "DEF73102" `AAA99999`, "435952-B21" `999999-A99`). When a text writes exactly
one code (however often) of a shape the field's labelled codes have, that code is the answer, as
written; two different ones is doubt, left to the model.

A shape is only as good as the field's codes are alike and the texts' other codes unlike them (a
UPC's twelve digits mostly are; a two-digit size is not), so, as for the known values
(`known_values.py`), the rule is measured on the field's own examples first, leaving each
example's own shape out in turn, and answers only where it was right often enough; its
confidence is that measured precision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from src.domain.model import Example
from src.domain.prompting.prepass.measured import Measured, measured_on

MIN_LENGTH = 4
"""Shorter values are sizes and counts more often than codes: not looked for."""

_MEASURE = re.compile(r"\d{1,3}(?:[.,/]\d+)?-?[^\W\d_]+")
"""A number and the word it counts or measures ("12in", "6-Piece", "14-ga", "300-GB"): a size,
not a code."""

_CODE = re.compile(r"(?<![\w-])[^\W_]+(?:[-/.][^\W_]+)*(?![\w-])")
"""A run of letters and digits, `-`, `/` or `.` inside; not a piece of a longer word."""


@dataclass(slots=True)
class CodeValues:
    """One text field's code shapes, and how well finding a code of those shapes answered the
    field on its own examples."""

    shapes: Counter[str] = field(default_factory=Counter)
    """How many examples are labelled with a code of each shape."""
    by_context: dict[str, str] = field(default_factory=dict)
    """The shape each example text is labelled with, to leave one product's own label out."""
    measured: Measured = Measured()

    def answer(self, description: str, exclude_context: str | None = None) -> str | None:
        """The one code of the field's shapes that the text writes, as written; None when it
        writes none, or several. `exclude_context`: an example text whose label does not
        count."""
        if not self.measured.contends:  # measured too unreliable to answer at all
            return None
        return self._one_code(description, exclude_context)

    def _one_code(self, text: str, exclude_context: str | None) -> str | None:
        left_out = self.by_context.get(exclude_context) if exclude_context is not None else None
        found = {
            code
            for code in _codes(text)
            if self.shapes[shape := _shape(code)] - (shape == left_out) > 0
        }
        return found.pop() if len({code.casefold() for code in found}) == 1 else None


def code_values(examples: Sequence[Example]) -> CodeValues:
    """The rule of one text field, measured on `examples` (cached for the same examples)."""
    return _measured(tuple(examples))


@lru_cache(maxsize=512)
def _measured(examples: tuple[Example, ...]) -> CodeValues:
    codes = CodeValues()
    for example in examples:
        if isinstance(example.value, str) and is_code(example.value):
            shape = _shape(example.value)
            codes.shapes[shape] += 1
            codes.by_context[example.context] = shape
    if not codes.shapes:
        return codes
    codes.measured = measured_on(examples, lambda text: codes._one_code(text, text), same_code)
    return codes


def same_code(found: str, label: str) -> bool:
    """Whether a code read is the label: codes are compared whatever their case."""
    return found.casefold() == label.casefold()


def is_code(value: str) -> bool:
    """Whether a value is a code: a run of letters and digits, long enough, with a digit."""
    return (
        len(value) >= MIN_LENGTH
        and _CODE.fullmatch(value) is not None
        and any(character.isdigit() for character in value)
        and _MEASURE.fullmatch(value) is None
    )


def code_matches(text: str) -> Iterator[re.Match[str]]:
    """Every code the text writes, where it writes it."""
    return (match for match in _CODE.finditer(text) if is_code(match.group()))


def _codes(text: str) -> list[str]:
    return [match.group() for match in code_matches(text)]


@lru_cache(maxsize=65536)
def _shape(code: str) -> str:
    return "".join(_class_of(character) for character in code)


def _class_of(character: str) -> str:
    if character.isdigit():
        return "9"
    if character.isalpha():
        return "A" if character.isupper() else "a"
    return character
