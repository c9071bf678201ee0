"""A pre-pass rule for text fields a catalogue fills with a quantity in one unit.

Some catalogues keep a weight or a size as text ("9g", "12.5g") rather than as a number field.
When a text field's labelled values are such quantities, nearly all in the same unit, the one
quantity a product text writes in that unit is its value, answered as the text writes it
("1.6g" in "Minnow Lure 30mm 1.6g"); two different ones ("110mm 12.6g, 125mm 17.8g") is doubt,
left to the model. As for the known values (`known_values.py`), the rule is measured on the
field's own examples first and answers only where it was right often enough; its confidence is
that measured precision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from src.domain.model import Example
from src.domain.prompting.prepass.measured import MIN_MEASURED, Measured, measured_on

MIN_SHARE = 0.9
"""The share of a field's labelled values that must be quantities in its most common unit."""

_QUANTITY = re.compile(r"(\d+(?:[.,]\d+)?)\s?([^\W\d_]+)")


@dataclass(frozen=True, slots=True)
class UnitValues:
    """One text field's unit, when its labelled values are quantities in it, and how well finding
    a quantity in that unit answered the field's own examples."""

    unit: str | None
    measured: Measured = Measured()
    """Never trusted without a unit: it answered no example."""

    def answer(self, description: str, exclude_context: str | None = None) -> str | None:
        """The one quantity in the field's unit that the text writes, as written; None when it
        writes none or several. `exclude_context` changes nothing: the unit is the field's,
        read from all its values, not any one product's label."""
        if self.unit is None or not self.measured.contends:  # too unreliable to answer
            return None
        return _one_quantity(description, self.unit)


def unit_values(examples: Sequence[Example]) -> UnitValues:
    """The rule of one text field, measured on `examples` (cached for the same examples)."""
    return _measured(tuple(examples))


@lru_cache(maxsize=512)
def _measured(examples: tuple[Example, ...]) -> UnitValues:
    labelled = [example for example in examples if isinstance(example.value, str)]
    units = Counter(
        unit for example in labelled if (unit := _unit_of(str(example.value))) is not None
    )
    if len(labelled) < MIN_MEASURED or not units:
        return UnitValues(None)
    unit, count = units.most_common(1)[0]
    if count < MIN_SHARE * len(labelled):
        return UnitValues(None)
    return UnitValues(unit, measured_on(examples, lambda text: _one_quantity(text, unit), _same))


def _unit_of(value: str) -> str | None:
    """The unit of a value that is a quantity ("12.5g": "g"), None for any other value."""
    match = _QUANTITY.fullmatch(value.strip())
    return match.group(2).casefold() if match else None


@lru_cache(maxsize=64)
def _in_unit(unit: str) -> re.Pattern[str]:
    """A quantity in `unit`, not glued to the word or number before it nor a word after it."""
    return re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s?" + re.escape(unit) + r"(?!\w)", re.I)


def _one_quantity(text: str, unit: str | None) -> str | None:
    if unit is None:
        return None
    found = {match.group() for match in _in_unit(unit).finditer(text)}
    written = {_key(quantity) for quantity in found}
    return min(found) if len(written) == 1 else None


def _same(found: str, label: str) -> bool:
    return _key(found) == _key(label)


def _key(quantity: str) -> str:
    return "".join(quantity.split()).casefold().replace(",", ".")
