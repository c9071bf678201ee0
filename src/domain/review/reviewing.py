"""The review use case: a reviewer's decision on one value becomes a labelled example."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from src.domain.catalogue.ports import FieldRepository
from src.domain.errors import InvalidRequestError
from src.domain.model import Field, OutcomeStatus, Value
from src.domain.model.clock import utc_now
from src.domain.model.kinds import kind_of
from src.domain.model.values import coerce
from src.domain.review.model import ANONYMOUS, ReviewDecision, ReviewRequest, Verdict
from src.domain.review.ports import QueueStore, ReviewStore


class Reviewing:
    """Checks a decision against its field (a correction must be a value of the field's type,
    one of its options), then stores it with the example it makes: accepted, the proposed
    value; corrected, the reviewer's; rejected, none (the text does not give it)."""

    def __init__(
        self,
        store: ReviewStore,
        queue: QueueStore,
        fields: FieldRepository,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._queue = queue
        self._fields = fields
        self._now = now

    def decide(self, request: ReviewRequest, reviewer: str | None) -> ReviewDecision:
        """Stores `request` as decided by `reviewer` (an API key's name; None: anonymous).

        Raises InvalidRequestError naming the part of the body that cannot be served."""
        description = request.description.strip()
        if not description:
            raise InvalidRequestError("the description is blank", ("body", "description"))
        field = self._fields.get(request.field_code)
        if field is None:
            raise InvalidRequestError(f"unknown field {request.field_code!r}", ("body", "field"))
        if request.queue_item is not None and self._queue.get(request.queue_item) is None:
            raise InvalidRequestError(
                f"no queued value {request.queue_item}", ("body", "queue_item")
            )
        decision = ReviewDecision(
            description=request.description,
            field_code=field.code,
            verdict=request.verdict,
            proposed=_typed(field, request.proposed, "proposed", missing_ok=True),
            kept=self._kept(field, request),
            reviewer=reviewer or ANONYMOUS,
            decided_at=self._now(),
            llm=request.llm,
            confidence=request.confidence,
            product_id=request.product_id,
            queue_item=request.queue_item,
        )
        return self._store.record(decision)

    def decisions(self) -> list[ReviewDecision]:
        """Every decision, oldest first."""
        return self._store.decisions()

    @staticmethod
    def _kept(field: Field, request: ReviewRequest) -> Value:
        if request.verdict is Verdict.REJECT:
            return None
        if request.verdict is Verdict.ACCEPT:
            return _typed(field, request.proposed, "proposed", missing_ok=True)
        return _typed(field, request.corrected, "value", missing_ok=False)


def _typed(field: Field, value: object, part: str, missing_ok: bool) -> Value:
    """`value` as a value of `field`; InvalidRequestError naming `part` when it is not one."""
    parsed = coerce(field, value)
    if parsed.status is OutcomeStatus.OK:
        return parsed.value
    if parsed.status is OutcomeStatus.NOT_FOUND and missing_ok:
        return None
    if parsed.status is OutcomeStatus.NOT_FOUND:
        reason = "a correction needs a value (reject says the text does not give one)"
    else:
        reason = kind_of(field).why_invalid(field, value)
    raise InvalidRequestError(f"{reason} for field {field.code}", ("body", part))
