"""`GET /api/usage`: what the caller's key has spent, today, this month and per LLM, and its
budget."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from pydantic import BaseModel

from src.adapters.driving.http.dependencies import ContainerDep
from src.domain.usage.model import Spend, UsageReport, owner_of

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


@router.get("/api/usage", response_model=UsageOut, summary="What the caller's key has spent")
def usage(request: Request, container: ContainerDep) -> UsageOut:
    """Calls and tokens (UTC days and months) of the key the request carries, in every process."""
    container.accounts.flush()
    return UsageOut.of(container.accounts.report(owner_of(getattr(request.state, "caller", None))))
