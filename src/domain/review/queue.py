"""The review queue use case: values flagged for review wait here, one product at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from src.domain.catalogue.ports import FieldRepository
from src.domain.errors import InvalidRequestError
from src.domain.model import OutcomeStatus
from src.domain.model.values import coerce
from src.domain.review.model import QueuedProduct, QueuedValue
from src.domain.review.ports import QueueStore


class ReviewQueue:
    """Adds values to the queue (each checked against its field first: all are added, or none)
    and hands the products still waiting, the first queued first."""

    def __init__(self, queue: QueueStore, fields: FieldRepository) -> None:
        self._queue = queue
        self._fields = fields

    def add(self, values: Sequence[QueuedValue]) -> int:
        """Queues `values`; returns how many were new. InvalidRequestError names the first
        value whose field is unknown or whose value is not one of that field."""
        known = self._fields.get_many(list(dict.fromkeys(value.field_code for value in values)))
        typed = []
        for position, value in enumerate(values):
            field = known.get(value.field_code)
            if field is None:
                raise InvalidRequestError(
                    f"unknown field {value.field_code!r}", ("body", "items", position, "field")
                )
            if not value.description.strip():
                raise InvalidRequestError(
                    "the description is blank", ("body", "items", position, "description")
                )
            parsed = coerce(field, value.value)
            if parsed.status not in (OutcomeStatus.OK, OutcomeStatus.NOT_FOUND):
                raise InvalidRequestError(
                    f"{value.value!r} is not a value of field {field.code}",
                    ("body", "items", position, "value"),
                )
            typed.append(replace(value, value=parsed.value))
        return self._queue.add(typed) if typed else 0

    def pending(self, limit: int) -> list[QueuedProduct]:
        """Up to `limit` products with values still waiting."""
        return self._queue.pending_products(limit)

    def pending_count(self) -> int:
        return self._queue.pending_count()
