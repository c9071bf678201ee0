"""`python cli.py keys create|list|revoke`: the API keys. Once one exists, every `/api/…` call
needs one; a new or revoked key counts at once, in every running server."""

from __future__ import annotations

from typing import Annotated

import typer

from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.service import service
from src.domain.access.ports import ApiKey

keys = typer.Typer(
    help="API keys: once one exists, every /api/… call needs one.", no_args_is_help=True
)

Name = Annotated[str, typer.Argument(help="The key's name: who or what uses it.")]


@keys.command()
def create(
    name: Name,
    monthly_tokens: Annotated[
        int | None, typer.Option(min=0, help="A monthly token budget (none by default).")
    ] = None,
) -> None:
    """Make a key and print it, with its webhook signing secret (on stderr). Both are shown only
    this once: only a hash of the key is kept."""
    with service() as container, reported_errors():
        key = container.api_keys.create(name)
        secret = container.accounts.new_webhook_secret(f"key:{name}")
        if monthly_tokens is not None:
            container.accounts.set_budget(f"key:{name}", monthly_tokens)
    typer.echo(key)
    typer.echo(
        f"key {name!r} made: send it as 'Authorization: Bearer KEY'; it is not shown again",
        err=True,
    )
    typer.echo(
        "its webhook signing secret (HMAC-SHA256 of each webhook's body), "
        f"not shown again: {secret}",
        err=True,
    )


@keys.command(name="list")
def list_keys() -> None:
    """Every key, oldest first: name, id, when made, when revoked."""
    with service() as container, reported_errors():
        known = container.api_keys.list()
    typer.echo(_table(known) if known else "no key: the API is open to anyone who can reach it")


@keys.command()
def revoke(name: Name) -> None:
    """Revoke a key: calls with it are refused at once, and its unfinished jobs are cancelled."""
    with service() as container, reported_errors():
        revoked = container.api_keys.revoke(name)
        cancelled = container.jobs.service.cancel_owned(f"key:{name}")
    assert revoked.revoked_at is not None
    typer.echo(f"key {name!r} revoked on {revoked.revoked_at:%Y-%m-%d %H:%M:%S} UTC")
    if cancelled:
        typer.echo(f"{cancelled} unfinished job{'s' if cancelled > 1 else ''} of it cancelled")


def _table(known: list[ApiKey]) -> str:
    rows = [("name", "id", "created (UTC)", "revoked (UTC)")] + [
        (
            key.name,
            key.key_id,
            f"{key.created_at:%Y-%m-%d %H:%M:%S}",
            f"{key.revoked_at:%Y-%m-%d %H:%M:%S}" if key.revoked_at else "",
        )
        for key in known
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
