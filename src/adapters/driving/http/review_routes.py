"""The review API: a reviewer's decision, the queue of values waiting for one (each tenant's
own), and an admin's acceptance of a correction of the catalogue's own label."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from src.adapters.driving.http.dependencies import CallerDep, ContainerDep
from src.adapters.driving.http.review_queue_schemas import QueueBody, QueuedOut, QueueOut
from src.adapters.driving.http.review_schemas import DecisionOut, ReviewBody
from src.adapters.driving.http.schemas import MessageOut, ValidationErrorOut

router = APIRouter(tags=["review"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": MessageOut, "description": "The key's role does not allow it"},
    422: {
        "model": ValidationErrorOut,
        "description": "Invalid body: an unknown field, a value not of its type, a text over "
        "the lookups' limits, a decision that does not match its queued value",
    },
    503: {"model": MessageOut, "description": "The database is unavailable"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": MessageOut, "description": "Nothing of that id in the caller's tenant"}
}


@router.post(
    "/api/reviews",
    status_code=201,
    response_model=DecisionOut,
    responses={**_ERRORS, **_NOT_FOUND},
    summary="Accept, correct or reject a value; it teaches its field's labelled example",
)
async def decide(body: ReviewBody, caller: CallerDep, container: ContainerDep) -> DecisionOut:
    """Stores the decision (who, when, proposed and kept value, LLM, confidence) and what it
    teaches: the example of its field for the text (provenance `reviewed`), which the next
    lookup's few-shot prompts use; where the catalogue's own label disagrees, the label stays
    and the correction waits for an admin (`teaching: pending`). A `queue_item` must be of the
    caller's tenant and match the decision's text and field."""
    decision = await asyncio.to_thread(container.reviewing.decide, body.request(), caller)
    return DecisionOut.of(decision)


@router.get(
    "/api/reviews/queue",
    response_model=QueueOut,
    responses={403: _ERRORS[403], 503: _ERRORS[503]},
    summary="The products of the caller's tenant whose values wait for a reviewer",
)
async def queue(
    caller: CallerDep,
    container: ContainerDep,
    limit: int = Query(20, ge=1, le=200, description="Products to hand at most."),
) -> QueueOut:
    def read() -> QueueOut:
        queue = container.review_queue
        return QueueOut.of(queue.pending(caller.tenant, limit), queue.pending_count(caller.tenant))

    return await asyncio.to_thread(read)


@router.post(
    "/api/reviews/queue",
    status_code=201,
    response_model=QueuedOut,
    responses=_ERRORS,
    summary="Queue values for review in the caller's tenant's queue",
)
async def enqueue(body: QueueBody, caller: CallerDep, container: ContainerDep) -> QueuedOut:
    def add() -> QueuedOut:
        queue = container.review_queue
        added = queue.add([item.queued() for item in body.items], caller.tenant)
        return QueuedOut(added=added, pending=queue.pending_count(caller.tenant))

    return await asyncio.to_thread(add)


@router.get(
    "/api/reviews/corrections",
    response_model=list[DecisionOut],
    responses={403: _ERRORS[403], 503: _ERRORS[503]},
    summary="Corrections of the catalogue's own labels waiting for an admin (admin)",
)
async def corrections(caller: CallerDep, container: ContainerDep) -> list[DecisionOut]:
    """The decisions of the caller's tenant that disagree with a provisioned example, oldest
    first: the catalogue's label (`catalogue_value`) teaches until an admin accepts one."""
    pending = await asyncio.to_thread(container.reviewing.corrections, caller)
    return [DecisionOut.of(decision) for decision in pending]


@router.post(
    "/api/reviews/{decision_id}/accept",
    response_model=DecisionOut,
    responses={**_ERRORS, **_NOT_FOUND},
    summary="Accept a correction: it replaces the catalogue's label as the example (admin)",
)
async def accept(
    decision_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    caller: CallerDep,
    container: ContainerDep,
) -> DecisionOut:
    """The correction becomes its field's example for the text (only that field's cached answers
    are no longer served); the label it replaces stays in the decision (`catalogue_value`)."""
    decision = await asyncio.to_thread(container.reviewing.accept, decision_id, caller)
    return DecisionOut.of(decision)
