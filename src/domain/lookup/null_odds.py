"""How likely null is for a field, by its labelled examples: the bias a null answer must
overcome.

A small model answers null where the text plainly writes the value, the more so where its shots
are mostly null: `null` is one token against a value's several, and it copies its shots. A
field's labelled examples say how often the field has a value at all. Their odds of null,
(nulls + 1) / (values + 1) (Laplace's rule, so that a few examples say little), are what the
model's null must beat: a value whose probability reaches the odds times null's is answered
rather than null. Only odds under 1 are given, for fields whose examples mostly hold a value;
elsewhere greedy decoding's choice stands. A product that is itself an example (`evaluate
--exclude-own-examples`) does not count its own label.

A sparse catalogue's field is mostly null over all its products, yet valued on products like
the one asked: the labelled examples most similar to it (those its shots are chosen among) give
odds of their own, and the lower of the two is the bias (`weighing_odds`).
"""

from __future__ import annotations

from collections.abc import Sequence

from src.domain.model import Example


def null_odds(examples: Sequence[Example], exclude_context: str | None = None) -> float | None:
    """The odds of null that `examples` give, when under 1; None otherwise."""
    counted = [example for example in examples if example.context != exclude_context]
    values = sum(example.value is not None for example in counted)
    odds = (len(counted) - values + 1) / (values + 1)
    return odds if odds < 1 else None


def weighing_odds(field_odds: float | None, nearest: Sequence[Example]) -> float | None:
    """The odds a null answer must beat: the lower of the field's (`field_odds`, from all its
    examples) and those of its examples most similar to the product (`nearest`), when under 1;
    None when neither is."""
    near = null_odds(nearest)
    if field_odds is None or near is None:
        return near if field_odds is None else field_odds
    return min(field_odds, near)
