"""What review needs from the outside world: somewhere to keep decisions and the queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from src.domain.review.model import QueuedProduct, QueuedValue, ReviewDecision


class ReviewStore(Protocol):
    """Decisions and the labelled examples they make, shared by every worker process."""

    def record(self, decision: ReviewDecision) -> ReviewDecision:
        """In one transaction: stores the decision, upserts the example (its field, its text,
        its kept value; provenance `reviewed`), marks its queued value decided, and raises the
        catalogue version (dropping cached answers when the example is new or changed), as a
        provisioning does. Returns the decision with its id."""
        ...

    def decisions(self) -> list[ReviewDecision]:
        """Every decision, oldest first."""
        ...


class QueueStore(Protocol):
    """The values waiting for a reviewer."""

    def add(self, values: Sequence[QueuedValue]) -> int:
        """Queues these values; one already queued (same product, text and field) is left as
        it is. Returns how many were added."""
        ...

    def pending_products(self, limit: int) -> list[QueuedProduct]:
        """Up to `limit` products with values still waiting, that whose oldest waiting value
        was queued first coming first."""
        ...

    def pending_count(self) -> int:
        """How many values are still waiting."""
        ...

    def get(self, item_id: int) -> QueuedValue | None: ...
