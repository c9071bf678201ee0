"""A pre-pass rule for text fields a catalogue fills with codes whose shapes vary, but whose
place in the text does not: a shop writes its stock number just before its name ("- MMMR330AP
ReStockIt"), a supplier after "Part#" or "Réf.".

The words a field's labelled codes stand next to in their own texts are its *anchors*: the word
just before a code and the word just after, each counted once an example. A word that anchors
at least two examples' codes is one of the field's anchors; a text answers the one code (however
often written) that stands next to an anchor, as written; two different ones is doubt, left to
the model.

As for the code shapes (`code_values.py`), the rule is measured on the field's own examples
first, each example's own anchors left out in turn, and answers only where it was right often
enough; its confidence is that measured precision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from src.domain.model import Example
from src.domain.prompting.prepass.code_values import code_matches, is_code, same_code
from src.domain.prompting.prepass.measured import MIN_MEASURED, Measured, measured_on

MIN_SHARE = 0.9
"""The share of a field's labelled values that must be codes for it to have anchors."""
MIN_ANCHORED = 2
"""How many examples' codes a word must stand next to, to be an anchor."""

_WORD = re.compile(r"[^\W_][\w.#]*")
_REACH = 40
"""How many characters around a code its neighbouring words are looked for in."""

Anchor = str
"""A word beside a code, with its side: "after:restockit", "before:part#"."""


@dataclass(slots=True)
class AnchoredCodes:
    """One text field's anchors, when its labelled values are codes, and how well reading the
    code next to one answered the field's own examples."""

    anchors: Counter[Anchor] = field(default_factory=Counter)
    """How many examples have their label next to each word."""
    by_context: dict[str, frozenset[Anchor]] = field(default_factory=dict)
    """The anchors of each example text's label, to leave one product's own label out."""
    measured: Measured = Measured()

    def answer(self, description: str, exclude_context: str | None = None) -> str | None:
        """The one code the text writes next to one of the field's anchors, as written; None
        when it writes none or several. `exclude_context`: an example text whose label does not
        count."""
        if not self.measured.contends:  # measured too unreliable to answer at all
            return None
        return self._one_code(description, exclude_context)

    def _one_code(self, text: str, exclude_context: str | None) -> str | None:
        anchors = self._anchors(exclude_context)
        if not anchors:
            return None
        found = {code for code, beside in _codes_with_neighbours(text) if beside & anchors}
        return found.pop() if len({code.casefold() for code in found}) == 1 else None

    def _anchors(self, exclude_context: str | None) -> frozenset[Anchor]:
        left_out = self.by_context.get(exclude_context, frozenset()) if exclude_context else ()
        counts = Counter(self.anchors)
        counts.subtract(left_out)
        return frozenset(anchor for anchor, count in counts.items() if count >= MIN_ANCHORED)


def anchored_codes(examples: Sequence[Example]) -> AnchoredCodes:
    """The rule of one text field, measured on `examples` (cached for the same examples)."""
    return _measured(tuple(examples))


@lru_cache(maxsize=512)
def _measured(examples: tuple[Example, ...]) -> AnchoredCodes:
    rule = AnchoredCodes()
    labelled = [example.value for example in examples if isinstance(example.value, str)]
    codes = [
        example for example in examples if isinstance(example.value, str) and is_code(example.value)
    ]
    if len(labelled) < MIN_MEASURED or len(codes) < MIN_SHARE * len(labelled):
        return rule
    for example in codes:
        label = str(example.value).casefold()
        anchors = frozenset(
            anchor
            for code, beside in _codes_with_neighbours(example.context)
            if code.casefold() == label
            for anchor in beside
        )
        rule.anchors.update(anchors)
        rule.by_context[example.context] = anchors
    rule.measured = measured_on(examples, lambda text: rule._one_code(text, text), same_code)
    return rule


def _codes_with_neighbours(text: str) -> Iterator[tuple[str, frozenset[Anchor]]]:
    """Every code the text writes, with the words just before and just after it."""
    for match in code_matches(text):
        before = _WORD.findall(text, max(0, match.start() - _REACH), match.start())
        after = _WORD.findall(text, match.end(), match.end() + _REACH)
        beside = {f"before:{before[-1].casefold()}"} if before else set()
        if after:
            beside.add(f"after:{after[0].casefold()}")
        yield match.group(), frozenset(beside)
