"""Kind-aware matching of a predicted value against the accepted ones.

Each kind says when two of its values are the same (`FieldKind.same`): numbers within a small
relative tolerance; a select's option after case, accent and spacing normalisation; booleans;
text after case, accent, spacing and punctuation normalisation; a range end by end; several
values when they hold the same set. Expected values are read by the same value rules as a
model's answer, so a benchmark may write "3493,8", "oui", "E27" or "100-240 V".
"""

from __future__ import annotations

from src.domain.evaluation.benchmark import Accepted
from src.domain.model import Field, OutcomeStatus, Value
from src.domain.model.kinds import SeveralKind, kind_of
from src.domain.model.kinds.number import RELATIVE_TOLERANCE
from src.domain.model.kinds.text import normalised_text
from src.domain.model.text_normalisation import comparison_key
from src.domain.model.values import coerce


def matches(field: Field, accepted: Accepted, predicted: Value) -> bool:
    """True when `predicted` is one of the accepted values, or both say "not stated"."""
    if accepted is None:
        return predicted is None
    if predicted is None:
        return False
    return any(_same(field, expected, predicted) for expected in accepted)


def item_counts(field: Field, accepted: Accepted, predicted: Value) -> tuple[int, int, int]:
    """For a field with several values: (items predicted right, items predicted, items
    expected), against the accepted set that shares the most items; (0, 0, 0) for another."""
    kind = kind_of(field)
    if not isinstance(kind, SeveralKind):
        return (0, 0, 0)
    answered = predicted if isinstance(predicted, list) else []
    best = (0, len(answered), 0)
    for expected in accepted or ():
        typed = coerce(field, expected)
        items = typed.value if isinstance(typed.value, list) else []
        counts = (kind.item_matches(field, items, answered), len(answered), len(items))
        if best[2] == 0 or counts[0] > best[0]:
            best = counts
    return best


def _same(field: Field, expected: Value, predicted: Value) -> bool:
    typed = coerce(field, expected)
    if typed.status is not OutcomeStatus.OK:  # an expected value the field's rules cannot read
        return comparison_key(str(expected)) == comparison_key(str(predicted))
    return kind_of(field).same(field, typed.value, predicted)


__all__ = ["RELATIVE_TOLERANCE", "item_counts", "matches", "normalised_text"]
