"""A pre-pass rule for text fields a catalogue fills with the product's own code: the code its
texts write first.

Many shops open a title with the maker and the model ("Hoshizaki FS-1500MLH-C Ice Maker",
"Perlick TSD48IC10 48-in Ice Chest"), whatever shape the maker gives its codes. Where a field's
labelled values are the first code of their own texts (a code as `code_values.py` reads one),
the first code of a text is its value, as written.

Nothing is learnt from the labels but whether the rule holds, so, as for the known values
(`known_values.py`), it is measured on the field's own examples and answers only where it was
right often enough; its confidence is that measured precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from src.domain.model import Example
from src.domain.prompting.prepass.code_values import code_matches, same_code
from src.domain.prompting.prepass.measured import Measured, measured_on


@dataclass(frozen=True, slots=True)
class FirstCodes:
    """How well a text's first code answered one text field on its own examples."""

    measured: Measured = Measured()

    def answer(self, description: str, exclude_context: str | None = None) -> str | None:
        """The first code the text writes; None when it writes none. `exclude_context` changes
        nothing: no label is learnt from."""
        if not self.measured.contends:  # measured too unreliable to answer at all
            return None
        return first_code(description)


def first_codes(examples: Sequence[Example]) -> FirstCodes:
    """The rule of one text field, measured on `examples` (cached for the same examples)."""
    return _measured(tuple(examples))


@lru_cache(maxsize=512)
def _measured(examples: tuple[Example, ...]) -> FirstCodes:
    return FirstCodes(measured_on(examples, first_code, same_code))


def first_code(text: str) -> str | None:
    """The code a text writes first, as written."""
    return next((match.group() for match in code_matches(text)), None)
