"""`python cli.py keys create|list|revoke`: the API keys. Once one exists, every `/api/…` call
needs one; a new or revoked key counts at once, in every running server."""

from __future__ import annotations

from typing import Annotated

import typer

from src.adapters.driving.cli.errors import reported_errors
from src.adapters.driving.cli.service import service
from src.domain.access.ports import ApiKey
from src.domain.access.roles import DEFAULT_TENANT, Role

keys = typer.Typer(
    help="API keys: once one exists, every /api/… call needs one.", no_args_is_help=True
)

Name = Annotated[str, typer.Argument(help="The key's name: who or what uses it.")]
RoleName = Annotated[
    Role,
    typer.Option(
        "--role",
        case_sensitive=False,
        help="lookup: look up, jobs, its own usage; reviewer: also decide and queue values; "
        "admin: also accept corrections of the catalogue, see and cancel every job and read the "
        "usage of every key of its tenant.",
    ),
]


@keys.command()
def create(
    name: Name,
    role: RoleName = Role.LOOKUP,
    tenant: Annotated[
        str, typer.Option(help="Its team: keys of a tenant share its review queue.")
    ] = DEFAULT_TENANT,
    monthly_tokens: Annotated[
        int | None, typer.Option(min=0, help="A monthly token budget (none by default).")
    ] = None,
) -> None:
    """Make a key and print it, with its webhook signing secret (on stderr). Both are shown only
    this once: only a hash of the key is kept."""
    with service() as container, reported_errors():
        key = container.api_keys.create(name, role, tenant)
        secret = container.accounts.new_webhook_secret(f"key:{name}")
        if monthly_tokens is not None:
            container.accounts.set_budget(f"key:{name}", monthly_tokens)
    typer.echo(key)
    typer.echo(
        f"key {name!r} made, role {role.value}, tenant {tenant!r}: send it as "
        "'Authorization: Bearer KEY'; it is not shown again",
        err=True,
    )
    typer.echo(
        "its webhook signing secret (HMAC-SHA256 of each webhook's body), "
        f"not shown again: {secret}",
        err=True,
    )


@keys.command(name="list")
def list_keys() -> None:
    """Every key, oldest first: name, id, role, tenant, when made, when revoked."""
    with service() as container, reported_errors():
        known = container.api_keys.list()
    typer.echo(_table(known) if known else "no key: the API is open to anyone who can reach it")


@keys.command(name="set-role")
def set_role(
    name: Name,
    role: Annotated[Role, typer.Argument(case_sensitive=False, help="lookup, reviewer or admin.")],
) -> None:
    """Give a key another role; it counts at the key's next request, in every running server."""
    with service() as container, reported_errors():
        changed = container.api_keys.set_role(name, role)
    typer.echo(f"key {name!r} of tenant {changed.tenant!r} now has the role {changed.role.value}")


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
    rows = [("name", "id", "role", "tenant", "created (UTC)", "revoked (UTC)")] + [
        (
            key.name,
            key.key_id,
            key.role.value,
            key.tenant,
            f"{key.created_at:%Y-%m-%d %H:%M:%S}",
            f"{key.revoked_at:%Y-%m-%d %H:%M:%S}" if key.revoked_at else "",
        )
        for key in known
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
