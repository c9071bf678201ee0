"""The models of `GET /api/usage`: a key's spend, today, this month and per LLM, and its budget
(a job's spend is a SpendOut too)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from src.domain.usage.model import Spend, UsageReport


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
