"""What review needs from the outside world: somewhere to keep decisions and the queue, each
tenant's apart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from src.domain.review.model import QueuedProduct, QueuedValue, ReviewDecision


class ReviewStore(Protocol):
    """Decisions and the labelled examples they make, shared by every worker process."""

    def record(self, decision: ReviewDecision, reviewed_decisions_win: bool) -> ReviewDecision:
        """In one transaction: stores the decision with what it does to its field's example
        (`teaching_of` the example stored for its text): makes or changes the example
        (provenance `reviewed`), or leaves the catalogue's own label and keeps the correction
        beside it; marks its queued value decided. When the example changes, its field's
        revision and the catalogue version are raised (the cached answers of that field alone
        are no longer served). Returns the decision with its id and teaching."""
        ...

    def decisions(self) -> list[ReviewDecision]:
        """Every decision, oldest first."""
        ...

    def pending_corrections(self, tenant: str) -> list[ReviewDecision]:
        """The tenant's decisions waiting for an admin (teaching `pending`), oldest first."""
        ...

    def accept(self, decision_id: int, tenant: str, admin: str, when: datetime) -> ReviewDecision:
        """In one transaction: the tenant's pending decision `decision_id` becomes its field's
        example (provenance `reviewed`), the label it replaces kept with it; the field's
        revision and the catalogue version are raised. NotFoundError when the tenant has no
        such decision; InvalidRequestError when it is not pending."""
        ...


class QueueStore(Protocol):
    """The values waiting for a reviewer, in each tenant's own queue."""

    def add(self, tenant: str, values: Sequence[QueuedValue]) -> int:
        """Queues these values; one already queued in the tenant's queue (same product, text
        and field) is left as it is. Returns how many were added."""
        ...

    def pending_products(self, tenant: str, limit: int) -> list[QueuedProduct]:
        """Up to `limit` products of the tenant with values still waiting, that whose oldest
        waiting value was queued first coming first."""
        ...

    def pending_count(self, tenant: str) -> int:
        """How many values are still waiting in the tenant's queue."""
        ...

    def get(self, tenant: str, item_id: int) -> QueuedValue | None:
        """The tenant's queued value `item_id`; None when its queue holds none of that id."""
        ...
