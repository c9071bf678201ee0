"""The review API: a reviewer's decision, and the queue of values waiting for one."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Query, Request

from src.adapters.driving.http.dependencies import ContainerDep
from src.adapters.driving.http.review_queue_schemas import QueueBody, QueuedOut, QueueOut
from src.adapters.driving.http.review_schemas import DecisionOut, ReviewBody
from src.adapters.driving.http.schemas import MessageOut, ValidationErrorOut

router = APIRouter(tags=["review"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ValidationErrorOut,
        "description": "Invalid body: an unknown field, a value not of its type",
    },
    503: {"model": MessageOut, "description": "The database is unavailable"},
}


def reviewer(request: Request) -> str | None:
    """The name of the API key the guard admitted; None while no key exists (anonymous)."""
    caller = str(getattr(request.state, "caller", ""))
    kind, _, name = caller.partition(":")
    return name if kind == "key" else None


@router.post(
    "/api/reviews",
    status_code=201,
    response_model=DecisionOut,
    responses=_ERRORS,
    summary="Accept, correct or reject a value; it becomes a labelled example of its field",
)
async def decide(body: ReviewBody, request: Request, container: ContainerDep) -> DecisionOut:
    """Stores the decision (who, when, proposed and kept value, LLM, confidence) and the example
    it makes (provenance `reviewed`): the next lookup's few-shot prompts use it."""
    decision = await asyncio.to_thread(
        container.reviewing.decide, body.request(), reviewer(request)
    )
    return DecisionOut.of(decision)


@router.get(
    "/api/reviews/queue",
    response_model=QueueOut,
    responses={503: _ERRORS[503]},
    summary="The products whose values wait for a reviewer",
)
async def queue(
    container: ContainerDep,
    limit: int = Query(20, ge=1, le=200, description="Products to hand at most."),
) -> QueueOut:
    def read() -> QueueOut:
        return QueueOut.of(
            container.review_queue.pending(limit), container.review_queue.pending_count()
        )

    return await asyncio.to_thread(read)


@router.post(
    "/api/reviews/queue",
    status_code=201,
    response_model=QueuedOut,
    responses=_ERRORS,
    summary="Queue values for review (from a catalogue job, a script, another tool)",
)
async def enqueue(body: QueueBody, container: ContainerDep) -> QueuedOut:
    def add() -> QueuedOut:
        added = container.review_queue.add([item.queued() for item in body.items])
        return QueuedOut(added=added, pending=container.review_queue.pending_count())

    return await asyncio.to_thread(add)
