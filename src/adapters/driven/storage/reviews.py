"""Reviewers' decisions in the database, each with what it does to its field's labelled
example, written in one transaction that raises that field's revision and the catalogue version
when the example changes: the cached answers of that field alone are no longer served, and a
process holding the catalogue reads that field's examples again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from peewee import Database, SqliteDatabase

from src.adapters.driven.storage.catalogue_store import raise_catalogue_version, raise_revisions
from src.adapters.driven.storage.example_postings import add_postings
from src.adapters.driven.storage.repositories import PeeweeRepository, context_hash, decoded_value
from src.adapters.driven.storage.review_tables import ReviewDecisionRow, ReviewQueueRow, encoded
from src.adapters.driven.storage.tables import ExampleRow, aware_utc, naive_utc
from src.domain.errors import InvalidRequestError, NotFoundError
from src.domain.model import Value
from src.domain.review.model import ReviewDecision, Verdict
from src.domain.review.teaching import REVIEWED, StoredExample, Teaching, teaching_of


class PeeweeReviewStore(PeeweeRepository):
    """The ReviewStore; `on_change` is called after a decision that changed an example."""

    def __init__(self, database: Database, on_change: Callable[[], None] | None = None) -> None:
        super().__init__(database)
        self._on_change = on_change
        # SQLite: the write lock first (BEGIN IMMEDIATE, waiting out busy_timeout): a transaction
        # that reads the example and then writes would fail at once ("database is locked") when
        # another decision committed meanwhile.
        self._begin = ("IMMEDIATE",) if isinstance(database, SqliteDatabase) else ()

    def record(self, decision: ReviewDecision, reviewed_decisions_win: bool) -> ReviewDecision:
        def work() -> tuple[ReviewDecision, bool]:
            with self._database.atomic(*self._begin):
                stored = self._stored_example(decision.field_code, decision.description)
                teaching = teaching_of(stored, decision.kept, reviewed_decisions_win)
                taught = replace(
                    decision,
                    teaching=teaching,
                    catalogue_value=stored.value
                    if stored is not None and teaching is not Teaching.MADE
                    else None,
                    accepted_by=decision.reviewer if teaching is Teaching.ACCEPTED else None,
                    accepted_at=decision.decided_at if teaching is Teaching.ACCEPTED else None,
                )
                decision_id = ReviewDecisionRow.insert(_decision_row(taught)).execute(
                    self._database
                )
                changed = teaching in (Teaching.MADE, Teaching.ACCEPTED) and (
                    stored is None or stored.value != decision.kept
                )
                if changed:
                    self._teach(decision.field_code, decision.description, decision.kept)
                if decision.queue_item is not None:
                    ReviewQueueRow.update(decided_at=naive_utc(decision.decided_at)).where(
                        (ReviewQueueRow.id == decision.queue_item)
                        & (ReviewQueueRow.tenant == decision.tenant)
                        & ReviewQueueRow.decided_at.is_null()
                    ).execute(self._database)
                return replace(taught, id=int(decision_id)), changed

        recorded, changed = self._run(work)
        if changed and self._on_change is not None:
            self._on_change()
        return recorded

    def decisions(self) -> list[ReviewDecision]:
        query = ReviewDecisionRow.select().order_by(ReviewDecisionRow.id)
        return [_decision(row) for row in self._run(lambda: list(query.execute(self._database)))]

    def pending_corrections(self, tenant: str) -> list[ReviewDecision]:
        query = (
            ReviewDecisionRow.select()
            .where(
                (ReviewDecisionRow.tenant == tenant)
                & (ReviewDecisionRow.teaching == Teaching.PENDING.value)
            )
            .order_by(ReviewDecisionRow.id)
        )
        return [_decision(row) for row in self._run(lambda: list(query.execute(self._database)))]

    def accept(self, decision_id: int, tenant: str, admin: str, when: datetime) -> ReviewDecision:
        def work() -> ReviewDecision:
            with self._database.atomic(*self._begin):
                rows = list(
                    ReviewDecisionRow.select()
                    .where(
                        (ReviewDecisionRow.id == decision_id) & (ReviewDecisionRow.tenant == tenant)
                    )
                    .execute(self._database)
                )
                if not rows:
                    raise NotFoundError(f"no decision {decision_id}")
                decision = _decision(rows[0])
                if decision.teaching is not Teaching.PENDING:
                    raise InvalidRequestError(
                        f"decision {decision_id} is not waiting for an admin: it is "
                        f"{decision.teaching.value}",
                        ("path", "decision_id"),
                    )
                stored = self._stored_example(decision.field_code, decision.description)
                ReviewDecisionRow.update(
                    teaching=Teaching.ACCEPTED.value,
                    catalogue_value=encoded(stored.value if stored else None),
                    accepted_by=admin,
                    accepted_at=naive_utc(when),
                ).where(ReviewDecisionRow.id == decision_id).execute(self._database)
                self._teach(decision.field_code, decision.description, decision.kept)
                return replace(
                    decision,
                    teaching=Teaching.ACCEPTED,
                    catalogue_value=stored.value if stored else None,
                    accepted_by=admin,
                    accepted_at=when,
                )

        accepted = self._run(work)
        if self._on_change is not None:
            self._on_change()
        return accepted

    def _stored_example(self, field_code: str, description: str) -> StoredExample | None:
        found = list(
            ExampleRow.select(ExampleRow.value, ExampleRow.provenance)
            .where(
                (ExampleRow.field == field_code)
                & (ExampleRow.context_hash == context_hash(description))
            )
            .tuples()
            .execute(self._database)
        )
        if not found:
            return None
        value, provenance = found[0]
        return StoredExample(decoded_value(value), provenance)

    def _teach(self, field_code: str, description: str, kept: Value) -> None:
        """Makes or replaces the field's example for the text (provenance `reviewed`), and
        raises the field's revision and the catalogue version."""
        digest = context_hash(description)
        # The field's row first, as provisioning locks it first: the two then never wait for
        # each other's word index rows.
        raise_revisions(self._database, [field_code])
        updated = (
            ExampleRow.update(value=encoded(kept), provenance=REVIEWED)
            .where((ExampleRow.field == field_code) & (ExampleRow.context_hash == digest))
            .execute(self._database)
        )
        if not updated:
            inserted = ExampleRow.insert(
                field=field_code,
                context=description,
                context_hash=digest,
                value=encoded(kept),
                provenance=REVIEWED,
            ).execute(self._database)
            add_postings(self._database, [(int(inserted), field_code, description)])
        raise_catalogue_version(self._database)


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
        "tenant": decision.tenant,
        "teaching": decision.teaching.value,
        "catalogue_value": encoded(decision.catalogue_value),
        "accepted_by": decision.accepted_by,
        "accepted_at": naive_utc(decision.accepted_at) if decision.accepted_at else None,
    }


def _decision(row: ReviewDecisionRow) -> ReviewDecision:
    decided_at = aware_utc(row.decided_at)
    assert decided_at is not None
    return ReviewDecision(
        description=row.description,
        field_code=row.field_code,
        verdict=Verdict(row.verdict),
        proposed=decoded_value(row.proposed),
        kept=decoded_value(row.kept),
        reviewer=row.reviewer,
        decided_at=decided_at,
        llm=row.llm,
        confidence=row.confidence,
        product_id=row.product_id,
        queue_item=row.queue_item,
        id=row.id,
        tenant=row.tenant,
        teaching=Teaching(row.teaching),
        catalogue_value=decoded_value(row.catalogue_value),
        accepted_by=row.accepted_by,
        accepted_at=aware_utc(row.accepted_at),
    )
