"""One value, one field: a span of the product text answered for several of its text fields
is, most often, right for one of them at most (a brand given as the product type too, a stock
number as the brand).

When the model answers the same value for two or more text fields of one product, the value
stays with every field whose labelled values hold it, and otherwise with the one field it suits
best: the field whose labelled values are written as it is (with digits, or without), then the
surer answer. Another field's answer of that value from the model becomes null. A pre-pass
rule's answer is never taken away (it was measured on the field's own examples).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial

from src.domain.model import Example, FieldOutcome, OutcomeSource, OutcomeStatus
from src.domain.model.text_normalisation import comparison_key

_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class FieldLabels:
    """What a text field's labelled values say about a value answered for it."""

    keys: frozenset[str] = frozenset()
    """The labelled values, compared as `comparison_key` compares them."""
    digit_share: float | None = None
    """The share of the labelled values written with a digit; None without any."""

    def hold(self, value: str) -> bool:
        """Whether the field is labelled with `value` in the catalogue."""
        return comparison_key(value) in self.keys

    def suit(self, value: str) -> bool:
        """Whether `value` is written as most of the field's labelled values are: with a digit
        or without one (any value suits a field without labelled values)."""
        if self.digit_share is None:
            return True
        return (self.digit_share >= 0.5) == bool(_DIGIT.search(value))


NO_LABELS = FieldLabels()


def field_labels(examples: Sequence[Example], exclude_context: str | None) -> FieldLabels:
    """A field's `FieldLabels`, its example of `exclude_context` left out."""
    return _of(tuple(examples), exclude_context)


@lru_cache(maxsize=512)
def _of(examples: tuple[Example, ...], exclude_context: str | None) -> FieldLabels:
    values = [
        example.value
        for example in examples
        if isinstance(example.value, str) and example.context != exclude_context
    ]
    if not values:
        return FieldLabels()
    with_digit = sum(1 for value in values if _DIGIT.search(value))
    return FieldLabels(frozenset(map(comparison_key, values)), with_digit / len(values))


def shared_values(outcomes: Sequence[FieldOutcome], text_codes: frozenset[str]) -> bool:
    """Whether the model answered a value that another text field's outcome answers too: the
    only case `one_field_per_value` changes anything."""
    return any(
        any(outcome.source is OutcomeSource.MODEL for outcome in group)
        for group in _groups(outcomes, text_codes)
    )


def one_field_per_value(
    outcomes: Sequence[FieldOutcome],
    text_codes: frozenset[str],
    labelled: Mapping[str, FieldLabels],
) -> list[FieldOutcome]:
    """`outcomes` with each value the model answered for several text fields (`text_codes`)
    kept only where the module's docstring says."""
    dropped: set[str] = set()
    for group in _groups(outcomes, text_codes):
        value = str(group[0].value)
        _, *others = sorted(group, key=partial(_rank, value, labelled), reverse=True)
        dropped.update(
            outcome.field_code
            for outcome in others
            if outcome.source is OutcomeSource.MODEL
            and not labelled.get(outcome.field_code, NO_LABELS).hold(value)
        )
    return [_null(outcome) if outcome.field_code in dropped else outcome for outcome in outcomes]


def _rank(
    value: str, labelled: Mapping[str, FieldLabels], outcome: FieldOutcome
) -> tuple[bool, bool, bool, float]:
    """Which of the fields answering `value` keeps it: one labelled with it, then a rule's
    answer, then a field whose values are written as it is, then the surer answer."""
    field = labelled.get(outcome.field_code, NO_LABELS)
    return (
        field.hold(value),
        outcome.source is not OutcomeSource.MODEL,
        field.suit(value),
        outcome.confidence or 0.0,
    )


def _groups(
    outcomes: Sequence[FieldOutcome], text_codes: frozenset[str]
) -> list[list[FieldOutcome]]:
    """The text fields' answered values written alike by two fields or more."""
    by_value: dict[str, list[FieldOutcome]] = defaultdict(list)
    for outcome in outcomes:
        if (
            outcome.field_code in text_codes
            and outcome.status is OutcomeStatus.OK
            and isinstance(outcome.value, str)
        ):
            by_value[comparison_key(outcome.value)].append(outcome)
    return [group for group in by_value.values() if len(group) > 1]


def _null(outcome: FieldOutcome) -> FieldOutcome:
    return replace(
        outcome, value=None, status=OutcomeStatus.NOT_FOUND, confidence=None, evidence=None
    )
