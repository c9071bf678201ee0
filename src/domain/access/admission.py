"""Admission: whether a request may be served, by its API key and then by its caller's rate."""

from __future__ import annotations

from src.domain.access.api_keys import ApiKeys
from src.domain.access.ports import RateLimiter


class Admission:
    """Lets a request in or raises why not: AuthenticationError (no, wrong or revoked key),
    RateLimitedError (over the caller's rate), StorageUnavailableError (keys or counts cannot
    be read). A caller is its key, or its address while no key has been made."""

    def __init__(self, keys: ApiKeys, limiter: RateLimiter | None = None) -> None:
        self._keys = keys
        self._limiter = limiter

    def admit_without_storage(self, presented_key: str | None, client_address: str) -> str | None:
        """The caller, when it can be told without reading the store (no key sent, none made
        as last seen, no rate limit); None when `admit` must decide."""
        if presented_key is None and self._limiter is None and self._keys.known_open():
            return f"address:{client_address}"
        return None

    def admit(self, presented_key: str | None, client_address: str) -> str:
        """The caller (`key:NAME` or `address:ADDR`), once its request is counted."""
        name = self._keys.authenticate(presented_key)
        caller = f"key:{name}" if name is not None else f"address:{client_address}"
        if self._limiter is not None:
            self._limiter.hit(caller)
        return caller
