"""`python cli.py keys set-budget|usage`: a key's monthly token budget, and what keys spent."""

from __future__ import annotations

from typing import Annotated

import typer

from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.keys import Name
from src.adapters.driving.cli.service import service
from src.domain.access.ports import ApiKey
from src.domain.errors import InvalidRequestError
from src.domain.usage.model import Spend, UsageReport


def set_budget(
    name: Name,
    monthly_tokens: Annotated[
        str, typer.Argument(help="Tokens a month (prompt and completion), or 'none'.")
    ],
) -> None:
    """Set a key's monthly token budget; past it, lookups and new jobs answer 429 and its jobs
    pause."""
    with service() as container, reported_errors():
        _existing(container.api_keys.list(), name)
        budget = _budget(monthly_tokens)
        container.accounts.set_budget(f"key:{name}", budget)
    typer.echo(
        f"key {name!r}: " + (f"{budget} tokens a month" if budget is not None else "no budget")
    )


def usage(
    name: Annotated[str | None, typer.Argument(help="One key; every key when absent.")] = None,
) -> None:
    """Calls and tokens of each key today and this month (UTC), per LLM, against its budget."""
    with service() as container, reported_errors():
        known = container.api_keys.list()
        names = [_existing(known, name)] if name else [key.name for key in known]
        reports = [container.accounts.report(f"key:{each}") for each in names]
    typer.echo("\n".join(_lines(report) for report in reports) if reports else "no key")


def _existing(known: list[ApiKey], name: str) -> str:
    if name not in {key.name for key in known}:
        raise InvalidRequestError(f"no key named {name!r}", ("name",))
    return name


def _budget(text: str) -> int | None:
    if text.strip().lower() == "none":
        return None
    if not text.strip().isdigit():
        raise InvalidRequestError(
            f"a budget is a number of tokens or 'none', not {text!r}", ("monthly_tokens",)
        )
    return int(text)


def _spend(spend: Spend) -> str:
    return (
        f"{spend.calls} calls, {spend.prompt_tokens} prompt + "
        f"{spend.completion_tokens} completion tokens"
    )


def _lines(report: UsageReport) -> str:
    budget = (
        f"budget {report.monthly_tokens} tokens, "
        f"{max(0, report.monthly_tokens - report.month.tokens)} left, renews {report.renews_on}"
        if report.monthly_tokens is not None
        else "no budget"
    )
    lines = [
        f"{report.owner.removeprefix('key:')}: {budget}",
        f"  today: {_spend(report.today)}",
        f"  this month: {_spend(report.month)}",
    ]
    lines += [f"    {llm}: {_spend(spend)}" for llm, spend in sorted(report.per_llm.items())]
    return "\n".join(lines)
