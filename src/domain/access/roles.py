"""Roles and tenants: what an API key may do, and whose queue, jobs and usage it shares.

    lookup     look fields up, submit and follow its own jobs, read its own usage
    reviewer   also decide on values and queue values for review (its tenant's queue)
    admin      also accept corrections of the catalogue's examples, and see and cancel every
               job and read the usage of every key of its tenant

A tenant is a team: its keys share one review queue, and nothing of it is seen by another
tenant's keys (it is not found, so that its existence does not leak).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from src.domain.errors import ForbiddenError, InvalidRequestError

OPEN_OWNER = "open"
"""The account of calls made while the API has no key."""

DEFAULT_TENANT = "default"
"""The tenant of a key made without one, and of every call while no key exists."""

_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class Role(StrEnum):
    LOOKUP = "lookup"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what `needed` may (each role may do all a lower one may)."""
        return _RANK[self] >= _RANK[needed]

    @classmethod
    def named(cls, name: str) -> Role:
        """The role called `name`; InvalidRequestError naming the roles otherwise."""
        try:
            return cls(name.strip().lower())
        except ValueError:
            raise InvalidRequestError(
                f"a role is one of {', '.join(role.value for role in cls)}, not {name!r}",
                ("role",),
            ) from None


_RANK = {Role.LOOKUP: 0, Role.REVIEWER: 1, Role.ADMIN: 2}


def checked_tenant(tenant: str) -> str:
    """`tenant` when it is a valid tenant name (as a key name: 1 to 64 letters, digits, '.',
    '_' or '-'); InvalidRequestError otherwise."""
    if not _TENANT.match(tenant):
        raise InvalidRequestError(
            f"a tenant is 1 to 64 letters, digits, '.', '_' or '-', not {tenant!r}", ("tenant",)
        )
    return tenant


@dataclass(frozen=True, slots=True)
class Caller:
    """Who an admitted request comes from: `id` counts its rate (`key:NAME`, or `address:ADDR`
    while no key exists), `key` is its key's name (None while no key exists: the API is open,
    and every caller is an admin of the default tenant)."""

    id: str
    key: str | None
    role: Role
    tenant: str

    @classmethod
    def open(cls, address: str) -> Caller:
        return cls(f"address:{address}", None, Role.ADMIN, DEFAULT_TENANT)

    @property
    def owner(self) -> str:
        """The account its jobs and spending belong to: `key:NAME`, or `open`."""
        return f"key:{self.key}" if self.key is not None else OPEN_OWNER

    def require(self, needed: Role, to: str) -> None:
        """Raises ForbiddenError, naming `needed` and what it is needed `to` do, unless this
        caller's role allows it."""
        if not self.role.allows(needed):
            raise ForbiddenError(
                f"this API key has the role {self.role.value!r}; to {to}, a key needs the role "
                f"{needed.value!r} or higher (an operator grants it: "
                f"python cli.py keys set-role NAME {needed.value})"
            )
