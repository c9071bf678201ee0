"""Reviewers' decisions in the database, each with the labelled example it makes, written as a
provisioning writes: in one transaction that raises the catalogue version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from peewee import SQL, Database

from src.adapters.driven.storage.catalogue_store import raise_catalogue_version
from src.adapters.driven.storage.repositories import PeeweeRepository, context_hash, decoded_value
from src.adapters.driven.storage.review_tables import ReviewDecisionRow, ReviewQueueRow, encoded
from src.adapters.driven.storage.tables import ExampleRow, LookupCacheRow, aware_utc, naive_utc
from src.domain.review.model import ReviewDecision, Verdict

REVIEWED = "reviewed"
"""The provenance of an example a reviewer made."""


class PeeweeReviewStore(PeeweeRepository):
    """The ReviewStore; `on_change` is called after each decision (a CatalogueSnapshot of this
    process then reads the catalogue again at once)."""

    def __init__(self, database: Database, on_change: Callable[[], None] | None = None) -> None:
        super().__init__(database)
        self._on_change = on_change

    def record(self, decision: ReviewDecision) -> ReviewDecision:
        def work() -> int:
            with self._database.atomic():
                decision_id = ReviewDecisionRow.insert(_decision_row(decision)).execute(
                    self._database
                )
                if self._upsert_example(decision):
                    # The few-shot prompts change: answers given before are stale, as after a
                    # provisioning.
                    LookupCacheRow.delete().execute(self._database)
                if decision.queue_item is not None:
                    ReviewQueueRow.update(decided_at=naive_utc(decision.decided_at)).where(
                        (ReviewQueueRow.id == decision.queue_item)
                        & ReviewQueueRow.decided_at.is_null()
                    ).execute(self._database)
                raise_catalogue_version(self._database)
                return int(decision_id)

        decision_id = self._run(work)
        if self._on_change is not None:
            self._on_change()
        return replace(decision, id=decision_id)

    def decisions(self) -> list[ReviewDecision]:
        query = ReviewDecisionRow.select().order_by(ReviewDecisionRow.id)
        return [_decision(row) for row in self._run(lambda: list(query.execute(self._database)))]

    def _upsert_example(self, decision: ReviewDecision) -> bool:
        """Stores the example; True when it is new or its value changed."""
        digest = context_hash(decision.description)
        kept = encoded(decision.kept)
        stored = list(
            ExampleRow.select(ExampleRow.value)
            .where((ExampleRow.field == decision.field_code) & (ExampleRow.context_hash == digest))
            .tuples()
            .execute(self._database)
        )
        ExampleRow.insert(
            field=decision.field_code,
            context=decision.description,
            context_hash=digest,
            value=kept,
            provenance=REVIEWED,
        ).on_conflict(
            conflict_target=[ExampleRow.field, ExampleRow.context_hash],
            update={
                ExampleRow.value: SQL("EXCLUDED.value"),
                ExampleRow.provenance: SQL("EXCLUDED.provenance"),
            },
        ).execute(self._database)
        return not stored or stored[0][0] != kept


def _decision_row(decision: ReviewDecision) -> dict[str, object]:
    return {
        "queue_item": decision.queue_item,
        "product_id": decision.product_id,
        "description": decision.description,
        "field_code": decision.field_code,
        "verdict": decision.verdict.value,
        "proposed": encoded(decision.proposed),
        "kept": encoded(decision.kept),
        "llm": decision.llm,
        "confidence": decision.confidence,
        "reviewer": decision.reviewer,
        "decided_at": naive_utc(decision.decided_at),
    }


def _decision(row: ReviewDecisionRow) -> ReviewDecision:
    decided_at = aware_utc(row.decided_at)
    assert decided_at is not None
    return ReviewDecision(
        description=row.description,
        field_code=row.field_code,
        verdict=Verdict(row.verdict),
        proposed=decoded_value(row.proposed),  # type: ignore[arg-type]
        kept=decoded_value(row.kept),  # type: ignore[arg-type]
        reviewer=row.reviewer,
        decided_at=decided_at,
        llm=row.llm,
        confidence=row.confidence,
        product_id=row.product_id,
        queue_item=row.queue_item,
        id=row.id,
    )
