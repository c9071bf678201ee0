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
