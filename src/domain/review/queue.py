"""The review queue use case: values flagged for review wait here, one product at a time, in
their tenant's queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from src.domain.access.roles import DEFAULT_TENANT
from src.domain.catalogue.ports import FieldRepository
from src.domain.errors import InvalidRequestError
from src.domain.model import Field, ListItem, OutcomeStatus, Value
from src.domain.model.product_text import DEFAULT_MAX_DESCRIPTION_CHARS, check_description
from src.domain.model.storable_text import check_storable
from src.domain.model.values import coerce
from src.domain.review.model import QueuedProduct, QueuedValue
from src.domain.review.ports import QueueStore


class ReviewQueue:
    """Adds values to a tenant's queue (each checked against its field and the lookups'
    limits first: all are added, or none) and hands the products still waiting, the first
    queued first."""

    def __init__(
        self,
        queue: QueueStore,
        fields: FieldRepository,
        max_description_chars: int = DEFAULT_MAX_DESCRIPTION_CHARS,
    ) -> None:
        self._queue = queue
        self._fields = fields
        self._max_description_chars = max_description_chars

    def add(self, values: Sequence[QueuedValue], tenant: str = DEFAULT_TENANT) -> int:
        """Queues `values` in the tenant's queue; returns how many were new. InvalidRequestError
        names the first value whose text is over the limits, whose field is unknown, whose
        value is not one of that field, or whose items are not its list's."""
        known = self._fields.get_many(list(dict.fromkeys(value.field_code for value in values)))
        typed = []
        for position, value in enumerate(values):
            where = ("body", "items", position)
            check_description(
                value.description, self._max_description_chars, (*where, "description")
            )
            for text, what, part in (
                (value.field_code, "the field code", "field"),
                (value.product_id, "the product id", "product_id"),
                (value.llm, "the LLM name", "llm"),
                *((span.text, "the evidence", "evidence") for span in value.evidence),
            ):
                if text is not None:
                    check_storable(text, what, (*where, part))
            field = known.get(value.field_code)
            if field is None:
                raise InvalidRequestError(f"unknown field {value.field_code!r}", (*where, "field"))
            if not value.description.strip():
                raise InvalidRequestError("the description is blank", (*where, "description"))
            parsed = coerce(field, value.value)
            if parsed.status not in (OutcomeStatus.OK, OutcomeStatus.NOT_FOUND):
                raise InvalidRequestError(
                    f"{value.value!r} is not a value of field {field.code}", (*where, "value")
                )
            items = _typed_items(field, parsed.value, value.items, (*where, "items"))
            typed.append(replace(value, value=parsed.value, items=items))
        return self._queue.add(tenant, typed) if typed else 0

    def pending(self, tenant: str, limit: int) -> list[QueuedProduct]:
        """Up to `limit` products of the tenant's queue with values still waiting."""
        return self._queue.pending_products(tenant, limit)

    def pending_count(self, tenant: str) -> int:
        return self._queue.pending_count(tenant)


def _typed_items(
    field: Field, value: Value, items: Sequence[ListItem] | None, where: tuple[str | int, ...]
) -> tuple[ListItem, ...] | None:
    """The items of the list `value` (as typed by its field), each with its own trust signals:
    the items given must be the list's, in its order, as the field reads them."""
    if items is None:
        return None
    for position, item in enumerate(items):
        check_storable(item.value, "an item", (*where, position, "value"))
        for span in item.evidence.spans if item.evidence else ():
            check_storable(span.text, "an item's evidence", (*where, position, "evidence"))
    if not isinstance(value, list):
        raise InvalidRequestError(f"items are given for {value!r}, which is not a list", where)
    read = coerce(field, [item.value for item in items])
    if read.value != value or len(items) != len(value):
        raise InvalidRequestError(
            f"the items {[item.value for item in items]!r} are not those of the value {value!r}",
            where,
        )
    return tuple(replace(item, value=typed) for item, typed in zip(items, value, strict=True))
