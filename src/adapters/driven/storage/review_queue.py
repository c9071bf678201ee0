"""The review queue in the database: values waiting for a reviewer, one product at a time."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from peewee import SqliteDatabase, fn

from src.adapters.driven.storage.repositories import PeeweeRepository, context_hash, decoded_value
from src.adapters.driven.storage.review_tables import ReviewQueueRow, encoded
from src.adapters.driven.storage.tables import aware_utc
from src.domain.model.evidence import Evidence, ListItem, Span
from src.domain.review.model import QueuedProduct, QueuedValue

_BATCH = 200


class PeeweeQueueStore(PeeweeRepository):
    """The QueueStore. A product is its id and its text: the same id with another text (the
    catalogue changed) is another product to review. Every query names its tenant."""

    def add(self, tenant: str, values: Sequence[QueuedValue]) -> int:
        rows = [{**_row(value), "tenant": tenant} for value in values]

        # SQLite: the write lock first (BEGIN IMMEDIATE, waiting out busy_timeout), since a
        # transaction that reads and then writes fails at once ("database is locked") when another
        # writer committed meanwhile, as enrich's parallel products do.
        begin = ("IMMEDIATE",) if isinstance(self._database, SqliteDatabase) else ()

        def work() -> int:
            with self._database.atomic(*begin):
                held = ReviewQueueRow.select().where(ReviewQueueRow.tenant == tenant)
                before = held.count(self._database)
                for start in range(0, len(rows), _BATCH):
                    ReviewQueueRow.insert_many(
                        rows[start : start + _BATCH]
                    ).on_conflict_ignore().execute(self._database)
                return held.count(self._database) - before

        return self._run(work)

    def pending_products(self, tenant: str, limit: int) -> list[QueuedProduct]:
        pending = ReviewQueueRow.decided_at.is_null() & (ReviewQueueRow.tenant == tenant)

        def work() -> list[ReviewQueueRow]:
            first = fn.MIN(ReviewQueueRow.id)
            products = list(
                ReviewQueueRow.select(
                    ReviewQueueRow.product_id, ReviewQueueRow.description_hash, first.alias("first")
                )
                .where(pending)
                .group_by(ReviewQueueRow.product_id, ReviewQueueRow.description_hash)
                .order_by(first)
                .limit(limit)
                .tuples()
                .execute(self._database)
            )
            wanted = {(product_id, digest) for product_id, digest, _ in products}
            if not wanted:
                return []
            ids = list({product_id for product_id, _ in wanted})
            rows = (
                ReviewQueueRow.select()
                .where(pending & ReviewQueueRow.product_id.in_(ids))
                .order_by(ReviewQueueRow.id)
            )
            return [
                row
                for row in rows.execute(self._database)
                if (row.product_id, row.description_hash) in wanted
            ]

        grouped: dict[tuple[str, str], list[QueuedValue]] = {}
        for row in self._run(work):
            grouped.setdefault((row.product_id, row.description_hash), []).append(_queued(row))
        return [
            QueuedProduct(values[0].product_id, values[0].description, tuple(values))
            for values in grouped.values()
        ]

    def pending_count(self, tenant: str) -> int:
        return self._run(
            lambda: (
                ReviewQueueRow.select()
                .where(ReviewQueueRow.decided_at.is_null() & (ReviewQueueRow.tenant == tenant))
                .count(self._database)
            )
        )

    def get(self, tenant: str, item_id: int) -> QueuedValue | None:
        rows = self._run(
            lambda: list(
                ReviewQueueRow.select()
                .where((ReviewQueueRow.id == item_id) & (ReviewQueueRow.tenant == tenant))
                .limit(1)
                .execute(self._database)
            )
        )
        return _queued(rows[0]) if rows else None


def _row(value: QueuedValue) -> dict[str, object]:
    return {
        "product_id": value.product_id,
        "description": value.description,
        "description_hash": context_hash(value.description),
        "field_code": value.field_code,
        "value": encoded(value.value),
        "llm": value.llm,
        "confidence": value.confidence,
        "evidence": json.dumps(_spans(value.evidence), ensure_ascii=False),
        "items": None
        if value.items is None
        else json.dumps([_item(item) for item in value.items], ensure_ascii=False),
    }


def _queued(row: ReviewQueueRow) -> QueuedValue:
    return QueuedValue(
        product_id=row.product_id,
        description=row.description,
        field_code=row.field_code,
        value=decoded_value(row.value),
        llm=row.llm,
        confidence=row.confidence,
        evidence=tuple(Span(**span) for span in json.loads(row.evidence or "[]")),
        items=None if row.items is None else tuple(map(_list_item, json.loads(row.items))),
        id=row.id,
        decided_at=aware_utc(row.decided_at),
    )


def _spans(spans: Sequence[Span]) -> list[dict[str, object]]:
    return [{"start": span.start, "end": span.end, "text": span.text} for span in spans]


def _item(item: ListItem) -> dict[str, object]:
    evidence = item.evidence
    return {
        "value": item.value,
        "confidence": item.confidence,
        "evidence": None if evidence is None else _spans(evidence.spans),
        "verbatim": evidence is not None and evidence.verbatim,
        "review": item.review,
    }


def _list_item(stored: dict[str, Any]) -> ListItem:
    spans = stored["evidence"]
    evidence = (
        None
        if spans is None
        else Evidence(tuple(Span(**span) for span in spans), stored["verbatim"])
    )
    return ListItem(stored["value"], stored["confidence"], evidence, stored["review"])
