"""The review use case: a reviewer's decision on one value teaches its field's labelled
example, without overwriting the catalogue's own label (an admin accepts a correction of it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from src.domain.access.roles import Caller, Role
from src.domain.catalogue.ports import FieldRepository
from src.domain.errors import InvalidRequestError, NotFoundError
from src.domain.model import Field, OutcomeStatus, Value
from src.domain.model.clock import utc_now
from src.domain.model.kinds import kind_of
from src.domain.model.product_text import DEFAULT_MAX_DESCRIPTION_CHARS, check_description
from src.domain.model.storable_text import check_storable
from src.domain.model.values import coerce
from src.domain.review.model import ANONYMOUS, ReviewDecision, ReviewRequest, Verdict
from src.domain.review.ports import QueueStore, ReviewStore


class Reviewing:
    """Checks a decision against the lookups' limits and its field (a correction must be a
    value of the field's type, one of its options) and, when it names a queued value, against
    that value's text and field in the caller's tenant; then stores it with the example it
    teaches: accepted, the proposed value; corrected, the reviewer's; rejected, none (the text
    does not give it). Where the catalogue's own label disagrees, the label stays until an admin
    accepts the correction, unless `reviewed_decisions_win`."""

    def __init__(
        self,
        store: ReviewStore,
        queue: QueueStore,
        fields: FieldRepository,
        reviewed_decisions_win: bool = False,
        max_description_chars: int = DEFAULT_MAX_DESCRIPTION_CHARS,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._queue = queue
        self._fields = fields
        self._reviewed_decisions_win = reviewed_decisions_win
        self._max_description_chars = max_description_chars
        self._now = now

    def decide(self, request: ReviewRequest, caller: Caller) -> ReviewDecision:
        """Stores `request` as decided by `caller` (its key's name; anonymous while no key
        exists), in its tenant.

        Raises ForbiddenError below the reviewer role, NotFoundError when the queued value it
        names is not in the caller's tenant's queue, InvalidRequestError naming the part of the
        body that cannot be served."""
        caller.require(Role.REVIEWER, "decide on a value")
        check_description(request.description, self._max_description_chars, ("body", "description"))
        for text, what, part in (
            (request.field_code, "the field code", "field"),
            (request.product_id, "the product id", "product_id"),
            (request.llm, "the LLM name", "llm"),
        ):
            if text is not None:
                check_storable(text, what, ("body", part))
        description = request.description.strip()
        if not description:
            raise InvalidRequestError("the description is blank", ("body", "description"))
        field = self._fields.get(request.field_code)
        if field is None:
            raise InvalidRequestError(f"unknown field {request.field_code!r}", ("body", "field"))
        if request.queue_item is not None:
            self._check_queued(request, caller.tenant)
        decision = ReviewDecision(
            description=request.description,
            field_code=field.code,
            verdict=request.verdict,
            proposed=_typed(field, request.proposed, "proposed", missing_ok=True),
            kept=self._kept(field, request),
            reviewer=caller.key or ANONYMOUS,
            decided_at=self._now(),
            llm=request.llm,
            confidence=request.confidence,
            product_id=request.product_id,
            queue_item=request.queue_item,
            tenant=caller.tenant,
        )
        return self._store.record(decision, self._reviewed_decisions_win)

    def decisions(self) -> list[ReviewDecision]:
        """Every decision, oldest first."""
        return self._store.decisions()

    def corrections(self, caller: Caller) -> list[ReviewDecision]:
        """The admin's tenant's decisions that disagree with the catalogue's own label and wait
        for an admin, oldest first."""
        caller.require(Role.ADMIN, "read the corrections waiting for an admin")
        return self._store.pending_corrections(caller.tenant)

    def accept(self, decision_id: int, caller: Caller) -> ReviewDecision:
        """The admin accepts the correction `decision_id` of its tenant: its value becomes the
        field's example for the text, and the catalogue's label it replaces is kept with it."""
        caller.require(Role.ADMIN, "accept a correction of the catalogue")
        return self._store.accept(decision_id, caller.tenant, caller.key or ANONYMOUS, self._now())

    def _check_queued(self, request: ReviewRequest, tenant: str) -> None:
        assert request.queue_item is not None
        queued = self._queue.get(tenant, request.queue_item)
        if queued is None:
            raise NotFoundError(f"no queued value {request.queue_item}")
        if queued.description != request.description:
            raise InvalidRequestError(
                f"the description is not the text of queued value {request.queue_item}",
                ("body", "description"),
            )
        if request.product_id is not None and request.product_id != queued.product_id:
            raise InvalidRequestError(
                f"queued value {request.queue_item} is of another product",
                ("body", "product_id"),
            )
        if queued.field_code != request.field_code:
            raise InvalidRequestError(
                f"queued value {request.queue_item} is of field {queued.field_code!r}, "
                f"not {request.field_code!r}",
                ("body", "field"),
            )

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
