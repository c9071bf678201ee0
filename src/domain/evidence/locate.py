"""The evidence of a value in its product text, as the field's kind finds it with the text
reader here: never an invented span.

- a number: the number with its unit as written (see `numbers.py`), kept through conversion;
- a select: the option's words where the text gives them (case- and accent-insensitively);
- a text: the value where the text gives it;
- a boolean: the attribute's own words where the text gives them (what the value was read from);
- a range: the range as written ("100-240 V"), kept through conversion;
- several values: each item's (`locate_items`), and the list's is every item's.

`verbatim` says the value is written as such: the same characters for a select or a text, the
same number before any conversion for a number.
"""

from __future__ import annotations

from functools import lru_cache

from src.domain.evidence.folding import folded_text
from src.domain.evidence.numbers import number_evidence
from src.domain.model import Field, Value
from src.domain.model.evidence import NO_EVIDENCE, Evidence, Span
from src.domain.model.kinds import SeveralKind, kind_of
from src.domain.model.kinds.several import merged
from src.domain.prompting.chain_of_thought.text_numbers import converted_number

MAX_SPANS = 10
"""A value written more often than this keeps its first spans."""


def locate_evidence(field: Field, description: str, value: Value) -> Evidence:
    """Where `value` of `field` stands in `description`; `Evidence()` when it does not."""
    if value is None or not description:
        return NO_EVIDENCE
    if isinstance(value, (dict, list)):
        return _kept(kind_of(field).evidence(field, description, value, READER))
    return _located(field, description, value)


def locate_items(
    field: Field, description: str, value: list[str]
) -> tuple[tuple[Evidence, ...], Evidence]:
    """Where each item of the list `value` of `field` stands in `description`, and where the
    whole list does (as `locate_evidence` finds it)."""
    kind = kind_of(field)
    if not description or not isinstance(kind, SeveralKind):
        return tuple(NO_EVIDENCE for _ in value), NO_EVIDENCE
    found = kind.item_evidence(field, description, value, READER)
    return tuple(_kept(evidence) for evidence in found), _kept(merged(found))


@lru_cache(maxsize=1024, typed=True)
def _located(field: Field, description: str, value: Value) -> Evidence:
    """The search of a scalar value, kept for the texts asked about lately, whose values are
    looked for again when a lookup's answers come from the cache (`typed`: True is not the
    number 1)."""
    return _kept(kind_of(field).evidence(field, description, value, READER))


def _kept(evidence: Evidence) -> Evidence:
    return (
        Evidence(evidence.spans[:MAX_SPANS], evidence.verbatim) if evidence.spans else NO_EVIDENCE
    )


class _TextReader:
    """The kinds' `TextReader`: numbers with their units, words folded for case and accents."""

    def number(
        self, unit: str | None, description: str, value: Value, only_in_unit: bool = False
    ) -> Evidence:
        return number_evidence(unit, description, value, only_in_unit)

    def words(self, description: str, text: str) -> Evidence:
        found = folded_text(description)
        spans = (
            found.find_all(text)
            or found.find_all(text, plural=True)  # "Jersey" read in "Jerseys" (a known value)
            or found.find_all(text, whole_words=False)
        )
        return Evidence(tuple(spans), any(_as_written(span, text) for span in spans))

    def phrase(self, description: str, text: str) -> Evidence:
        return Evidence(tuple(folded_text(description).find_all(text)), verbatim=False)

    def converted(self, number: float | int, unit: str | None, wanted: str | None) -> Value:
        return converted_number(number, unit, wanted)


READER = _TextReader()


def _as_written(span: Span, value: str) -> bool:
    return " ".join(span.text.split()) == " ".join(value.split())
