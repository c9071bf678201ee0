"""A lookup's worst case held against its key's monthly budget while it runs (see
usage/reservations.py), so that concurrent lookups and streams overshoot it by at most one
lookup's hold."""

from __future__ import annotations

import asyncio
from functools import partial

import anyio
from fastapi import Request

from src.adapters.driving.http.dependencies import caller_of
from src.bootstrap import Container
from src.domain.model import LookupRequest


async def hold(request: Request, container: Container, lookup: LookupRequest) -> str | None:
    """Holds `lookup`'s worst case for the caller's key (None: it has no budget). Raises
    BudgetExceededError (429) when the budget has no room left."""
    owner = caller_of(request).owner
    if container.accounts.known_unlimited(owner):
        return None
    worst_case = partial(container.estimator.worst_case, lookup)
    return await asyncio.to_thread(container.accounts.reserve, owner, worst_case)


async def settle(container: Container, held: str | None) -> None:
    """Writes what the lookup spent and releases its hold, even when the request is being
    cancelled (a client that leaves a stream)."""
    if held is not None:
        with anyio.CancelScope(shield=True):
            await asyncio.to_thread(container.accounts.settle, held)
