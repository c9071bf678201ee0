"""The evidence of a value in its product text, by the field's type: never an invented span.

- a number: the number with its unit as written (see `numbers.py`), kept through conversion;
- a select: the option's words where the text gives them (case- and accent-insensitively);
- a text: the value where the text gives it;
- a boolean: the attribute's own words where the text gives them (what the value was read from).

`verbatim` says the value is written as such: the same characters for a select or a text, the
same number before any conversion for a number.
"""

from __future__ import annotations

import re
from functools import lru_cache

from src.domain.evidence.folding import folded_text
from src.domain.evidence.numbers import number_evidence
from src.domain.model import Field, FieldType, Value
from src.domain.model.evidence import NO_EVIDENCE, Evidence, Span

MAX_SPANS = 10
"""A value written more often than this keeps its first spans."""

_UNIT_IN_LABEL = re.compile(r"\s*\([^()]*\)\s*$")


def locate_evidence(field: Field, description: str, value: Value) -> Evidence:
    """Where `value` of `field` stands in `description`; `Evidence()` when it does not."""
    if value is None or not description:
        return NO_EVIDENCE
    if field.type is FieldType.NUMBER:
        return _located(field.type, field.unit, description, value)
    if field.type is FieldType.BOOLEAN:
        return _located(field.type, field.label, description, value)
    return _located(field.type, None, description, value)


@lru_cache(maxsize=1024, typed=True)
def _located(
    kind: FieldType, unit_or_label: str | None, description: str, value: Value
) -> Evidence:
    """The search itself, by what it reads of the field (a number's unit, a boolean's label):
    kept for the texts asked about lately, whose values are looked for again when a lookup's
    answers come from the cache (`typed`: True is not the number 1)."""
    if kind is FieldType.NUMBER:
        evidence = number_evidence(unit_or_label, description, value)
    elif kind is FieldType.BOOLEAN:
        label = _UNIT_IN_LABEL.sub("", unit_or_label or "")
        evidence = Evidence(tuple(folded_text(description).find_all(label)), verbatim=False)
    else:
        evidence = _words_evidence(description, str(value))
    return (
        Evidence(evidence.spans[:MAX_SPANS], evidence.verbatim) if evidence.spans else NO_EVIDENCE
    )


def _words_evidence(description: str, value: str) -> Evidence:
    text = folded_text(description)
    spans = (
        text.find_all(value)
        or text.find_all(value, plural=True)  # "Jersey" read in "Jerseys" (a known value)
        or text.find_all(value, whole_words=False)
    )
    return Evidence(tuple(spans), any(_as_written(span, value) for span in spans))


def _as_written(span: Span, value: str) -> bool:
    return " ".join(span.text.split()) == " ".join(value.split())
