"""Tenancy: whose jobs and usage a caller may act on. Its own always; an admin's, those of every
key of its tenant. Anything else is not found, as if it did not exist."""

from __future__ import annotations

from src.domain.access.api_keys import ApiKeys
from src.domain.access.roles import DEFAULT_TENANT, OPEN_OWNER, Caller, Role


class Tenancy:
    """Answers for the keys in `keys`, read at each question (a key moved or made elsewhere
    counts at once)."""

    def __init__(self, keys: ApiKeys) -> None:
        self._keys = keys

    def tenant_of(self, owner: str) -> str | None:
        """The tenant of an account (`key:NAME`; `open` is the default tenant's); None when no
        such key exists."""
        if owner == OPEN_OWNER:
            return DEFAULT_TENANT
        kind, _, name = owner.partition(":")
        key = self._keys.named(name) if kind == "key" else None
        return key.tenant if key is not None else None

    def may_act_for(self, caller: Caller, owner: str) -> bool:
        """Whether `caller` may see and act on what belongs to `owner`."""
        if owner == caller.owner:
            return True
        return caller.role.allows(Role.ADMIN) and self.tenant_of(owner) == caller.tenant
