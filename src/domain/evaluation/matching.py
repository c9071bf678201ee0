"""Type-aware matching of a predicted value against the accepted ones.

Numbers are equal within a small relative tolerance; a select matches an option after case,
accent and spacing normalisation; booleans read oui/non, yes/no, vrai/faux; text is compared
after case, accent, spacing and punctuation normalisation. Expected values are read by the same
value rules as a model's answer, so a benchmark may write "3493,8", "oui" or "E27".
"""

from __future__ import annotations

import math
import re

from src.domain.evaluation.benchmark import Accepted
from src.domain.model import Field, FieldType, OutcomeStatus, Value
from src.domain.model.text_normalisation import comparison_key, strip_accents
from src.domain.model.values import coerce

RELATIVE_TOLERANCE = 1e-3
"""Numbers within 0.1 % of each other match (3493.8 and 3494 do; 3493 and 3500 do not)."""

_NOT_WORD = re.compile(r"[\W_]+")


def matches(field: Field, accepted: Accepted, predicted: Value) -> bool:
    """True when `predicted` is one of the accepted values, or both say "not stated"."""
    if accepted is None:
        return predicted is None
    if predicted is None:
        return False
    return any(_same(field, expected, predicted) for expected in accepted)


def normalised_text(text: str) -> str:
    """'  Acier  inoxydable. ' and 'acier-inoxydable' give the same key."""
    return " ".join(_NOT_WORD.sub(" ", strip_accents(text).casefold()).split())


def _same(field: Field, expected: Value, predicted: Value) -> bool:
    if field.type is FieldType.TEXT:
        return normalised_text(str(expected)) == normalised_text(str(predicted))
    typed = coerce(field, expected)
    if typed.status is not OutcomeStatus.OK:  # an expected value the field's rules cannot read
        return comparison_key(str(expected)) == comparison_key(str(predicted))
    if field.type is FieldType.NUMBER:
        return _numbers_equal(typed.value, predicted)
    if field.type is FieldType.SELECT:
        return isinstance(predicted, str) and comparison_key(str(typed.value)) == comparison_key(
            predicted
        )
    return typed.value == predicted and isinstance(predicted, bool)


def _numbers_equal(expected: Value, predicted: Value) -> bool:
    if isinstance(predicted, bool) or not isinstance(predicted, (int, float)):
        return False
    assert isinstance(expected, (int, float))
    return math.isclose(expected, predicted, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)
