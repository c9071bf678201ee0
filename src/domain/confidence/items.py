"""The confidence of each item of a list value: the probability of the tokens that wrote it
(see `written_items`), and the list's, its least sure item's."""

from __future__ import annotations

from collections.abc import Sequence

from src.domain.confidence.answer import written_items
from src.domain.confidence.tokens import TokenProbability
from src.domain.model import Field, ListItem, OutcomeStatus, Value
from src.domain.model.kinds import FieldKind, SeveralKind, kind_of


def item_confidences(
    field: Field,
    value: Sequence[str],
    tokens: Sequence[TokenProbability] | None,
    raw: str,
    key: str | None,
) -> tuple[ListItem, ...]:
    """Each item of `value`, read from `raw`, with the probability of the tokens that wrote it
    (its first writing, when the answer repeats it); None for an item no written item reads as
    (an answer that is no JSON list, a backend without token probabilities)."""
    written = written_items(tokens, raw, key) or []
    kind = kind_of(field)
    item_kind = kind.item if isinstance(kind, SeveralKind) else kind
    read = [
        (parsed, probability)
        for item, probability in written
        if (parsed := _read(item_kind, field, item)) is not None
    ]

    def confidence(item: str) -> float | None:
        return next((p for parsed, p in read if item_kind.same(field, item, parsed)), None)

    return tuple(ListItem(item, confidence(item)) for item in value)


def least(items: Sequence[ListItem]) -> float | None:
    """The whole list's confidence: its least sure item's; None when any item has none."""
    confidences = [item.confidence for item in items]
    if not confidences or any(c is None for c in confidences):
        return None
    return min(c for c in confidences if c is not None)


def _read(kind: FieldKind, field: Field, item: object) -> Value:
    parsed = kind.coerce(field, item.strip() if isinstance(item, str) else item)
    return parsed.value if parsed.status is OutcomeStatus.OK else None
