"""A pre-pass rule for text fields a catalogue fills with one dimension of a product: a width, a
height, a depth, a length.

Product texts write dimensions in a few ways: a group of sizes joined by `x` ("8 1/2 x 11",
`48" x 30"`, "15 x 10 x 24"), or sizes marked by a letter or word ("13w x 4d 7h", `48"W`,
`18-9/16" deep`). Each dimension field keeps its *places* in them: the marker most of its labels
stand at in their own texts ("w"), and the position in a group most stand at ("1 of 2"), when
the field's labelled values are sizes. A text answers the one size (however often written) at
the field's marker, or where it marks none, at its position, as written; two different ones is
doubt, left to the model.

As for the other text rules (`known_values.py`, `code_values.py`), the rule is measured on the
field's own examples first, each example's own place left out in turn, and answers only where
it was right often enough; its confidence is that measured precision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from src.domain.model import Example
from src.domain.model.text_normalisation import comparison_key
from src.domain.prompting.prepass.measured import MIN_MEASURED, Measured, measured_on

MIN_SHARE = 0.9
"""The share of a field's labelled values that must be sizes for it to have a place."""

_NUMBER = r"(?:\d+(?:[.,]\d+)?(?:[ -]\d+/\d+)?|\d+/\d+)"
"""12, 2.5, 8 1/2, 29-1/2, 1/2."""
_INCHES = r"(?:\"|”|''|\s?(?:in\.|in(?:\b|(?=[x×]))|inch(?:es)?\b))?"
_MARKER = r"(?:\s?(?P<marker>w|d|h|l|wide|deep|high|tall|long|width|depth|height|length)\b)?"
_NOT_GLUED = r"(?:(?<![\w.,/-])|(?<=[x×]))"
"""Not a piece of a longer number or word, but glued to an `x` ("4x6")."""
_SIZE = re.compile(_NOT_GLUED + r"(?P<size>" + _NUMBER + _INCHES + ")" + _MARKER, re.I)
_MARKED = {"tall": "h"}
"""The place of a marker word whose first letter is not its dimension's."""
_BETWEEN = re.compile(r"\s*[x×]\s*", re.I)
"""What joins two sizes of a group."""
_SIZE_VALUE = re.compile(r"\s*" + _NUMBER + r"\s*(?:\"|”|''|[^\W\d_]{1,6}\.?)?\s*")
"""A labelled value that is a size: a number, then an inch mark or a short unit at most."""

Place = str
"""Where a size stands in a text: "w" (a marker's dimension) or "1 of 2" (in a group)."""


@dataclass(slots=True)
class DimensionValues:
    """One text field's places, when its labelled values are sizes, and how well reading the
    size at them answered the field's own examples."""

    places: Counter[Place] = field(default_factory=Counter)
    """How many examples have their label at each place of their text."""
    by_context: dict[str, frozenset[Place]] = field(default_factory=dict)
    """The places each example text has its label at, to leave one product's own label out."""
    measured: Measured = Measured()

    def answer(self, description: str, exclude_context: str | None = None) -> str | None:
        """The one size the text writes at the field's marker, else at its position in a group,
        as written; None when it writes none or several there. `exclude_context`: an example
        text whose label does not count."""
        if not self.measured.contends:  # measured too unreliable to answer at all
            return None
        return self._one_size(description, exclude_context)

    def _one_size(self, text: str, exclude_context: str | None) -> str | None:
        sizes = list(_sizes(text))
        for place in self._places(exclude_context):
            found = {size for size, at in sizes if at == place}
            if found:
                return found.pop() if len({_number_key(size) for size in found}) == 1 else None
        return None

    def _places(self, exclude_context: str | None) -> list[Place]:
        """The marker most labels stand at, then the position in a group most stand at, the
        excluded example's own places left out."""
        left_out = self.by_context.get(exclude_context, frozenset()) if exclude_context else ()
        counts = Counter(self.places)
        counts.subtract(left_out)
        kept = [(count, place) for place, count in counts.items() if count > 0]
        markers = [(count, place) for count, place in kept if " " not in place]
        positions = [(count, place) for count, place in kept if " " in place]
        return [max(kind)[1] for kind in (markers, positions) if kind]


def dimension_values(examples: Sequence[Example]) -> DimensionValues:
    """The rule of one text field, measured on `examples` (cached for the same examples)."""
    return _measured(tuple(examples))


@lru_cache(maxsize=512)
def _measured(examples: tuple[Example, ...]) -> DimensionValues:
    rule = DimensionValues()
    labelled = [example for example in examples if isinstance(example.value, str)]
    sizes = [example for example in labelled if _SIZE_VALUE.fullmatch(str(example.value))]
    if len(labelled) < MIN_MEASURED or len(sizes) < MIN_SHARE * len(labelled):
        return rule
    for example in sizes:
        label = _number_key(str(example.value))
        places = frozenset(at for size, at in _sizes(example.context) if _number_key(size) == label)
        rule.places.update(places)
        rule.by_context[example.context] = places
    if not rule.places:
        return rule
    rule.measured = measured_on(examples, lambda text: rule._one_size(text, text), _same)
    return rule


def _sizes(text: str) -> Iterator[tuple[str, Place]]:
    """Every size the text writes with a marker or in a group of sizes, with its place."""
    group: list[re.Match[str]] = []
    for match in _SIZE.finditer(text):
        if group and not _BETWEEN.fullmatch(text, group[-1].end(), match.start()):
            yield from _placed(group)
            group = []
        group.append(match)
    yield from _placed(group)


def _placed(group: list[re.Match[str]]) -> Iterator[tuple[str, Place]]:
    for position, match in enumerate(group, start=1):
        size = match.group("size").strip()
        if marker := match.group("marker"):
            yield size, _MARKED.get(marker.casefold(), marker[0].casefold())
        elif len(group) > 1:
            yield size, f"{position} of {len(group)}"


def _number_key(size: str) -> tuple[str, ...]:
    """A size's number, whatever marks it: '8-1/2"' and "8 1/2" are the same."""
    return tuple(re.findall(r"\d+(?:\.\d+)?|/", size.replace(",", ".")))


def _same(found: str, label: str) -> bool:
    return comparison_key(found) == comparison_key(label)
