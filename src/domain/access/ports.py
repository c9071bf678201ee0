"""The ports of access: an API key as stored, the keys' store and the rate limiter (both shared
by every worker process)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from src.domain.access.roles import DEFAULT_TENANT, Role


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key: its name, its public id, the hash of its secret, when it was made, when
    it was revoked (None while it is valid), its role and its tenant."""

    name: str
    key_id: str
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None = None
    role: Role = Role.LOOKUP
    tenant: str = DEFAULT_TENANT

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiKeyStore(Protocol):
    """The API keys, revoked ones included, shared by every worker process."""

    def add(self, key: ApiKey) -> None:
        """Stores a new key; InvalidRequestError when its name is taken."""
        ...

    def find(self, key_id: str) -> ApiKey | None:
        """The key of this public id, revoked or not."""
        ...

    def named(self, name: str) -> ApiKey | None: ...

    def list_all(self) -> list[ApiKey]:
        """Every key, oldest first."""
        ...

    def revoke(self, name: str, when: datetime) -> ApiKey | None:
        """Marks the key revoked (keeping the first date); None when there is no such key."""
        ...

    def set_role(self, name: str, role: Role) -> ApiKey | None:
        """Gives the key this role (counted at its next request); None when there is no such
        key."""
        ...

    def any(self) -> bool:
        """Whether any key was ever made, revoked ones included."""
        ...


class RateLimiter(Protocol):
    """Counts requests per caller in a store every worker process shares."""

    def hit(self, caller: str) -> None:
        """Counts one request of `caller`; RateLimitedError (saying when to retry) when it is
        over its limit, StorageUnavailableError when the counts cannot be reached."""
        ...
