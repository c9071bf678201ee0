"""`GET /api/usage`: what the caller's key has spent, today, this month and per LLM, and its
budget."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from src.adapters.driving.http.dependencies import CallerDep, ContainerDep
from src.adapters.driving.http.schemas import MessageOut
from src.domain.errors import NotFoundError
from src.domain.usage.model import Spend, UsageReport

router = APIRouter()


class SpendOut(BaseModel):
    calls: int
    """Model calls, each attempt counted (retries included)."""
    prompt_tokens: int
    completion_tokens: int

    @classmethod
    def of(cls, spend: Spend) -> SpendOut:
        return cls(
            calls=spend.calls,
            prompt_tokens=spend.prompt_tokens,
            completion_tokens=spend.completion_tokens,
        )


class UsageOut(BaseModel):
    key: str
    today: SpendOut
    month: SpendOut
    per_llm: dict[str, SpendOut]
    """This month's spend per LLM."""
    monthly_tokens: int | None
    """The key's monthly token budget (prompt and completion); null: none."""
    renews_on: date

    @classmethod
    def of(cls, report: UsageReport) -> UsageOut:
        return cls(
            key=report.owner.removeprefix("key:"),
            today=SpendOut.of(report.today),
            month=SpendOut.of(report.month),
            per_llm={llm: SpendOut.of(spend) for llm, spend in sorted(report.per_llm.items())},
            monthly_tokens=report.monthly_tokens,
            renews_on=report.renews_on,
        )


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
