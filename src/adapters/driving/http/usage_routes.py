"""`GET /api/usage`: what the caller's key has spent, today, this month and per LLM, and its
budget."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from src.adapters.driving.http.dependencies import CallerDep, ContainerDep
from src.adapters.driving.http.schemas import MessageOut
from src.adapters.driving.http.usage_schemas import UsageOut
from src.domain.errors import NotFoundError

router = APIRouter()


@router.get(
    "/api/usage",
    response_model=UsageOut,
    responses={404: {"model": MessageOut, "description": "No such key in the caller's tenant"}},
    summary="What the caller's key has spent (an admin: any key of its tenant)",
)
def usage(
    caller: CallerDep,
    container: ContainerDep,
    key: Annotated[
        str | None,
        Query(
            max_length=64,
            description="Another key of the tenant (admin only); the caller's own by default.",
        ),
    ] = None,
) -> UsageOut:
    """Calls and tokens (UTC days and months) of the key the request carries, in every process;
    an admin may name any key of its tenant (any other is not found)."""
    owner = caller.owner if key is None else f"key:{key}"
    if not container.tenancy.may_act_for(caller, owner):
        raise NotFoundError(f"no key named {key!r}")
    container.accounts.flush()
    return UsageOut.of(container.accounts.report(owner))
