"""Admission: whether a request may be served, by its API key and then by its caller's rate."""

from __future__ import annotations

import logging

from src.domain.access.api_keys import ApiKeys
from src.domain.access.failed_authentications import FailedAuthenticationCounter
from src.domain.access.ports import RateLimiter
from src.domain.access.roles import Caller
from src.domain.errors import AuthenticationError, StorageUnavailableError

log = logging.getLogger(__name__)


class Admission:
    """Lets a request in or raises why not: AuthenticationError (no, wrong or revoked key),
    RateLimitedError (over the caller's rate), StorageUnavailableError (keys or counts cannot
    be read). A caller is its key, or its address while no key has been made. A key sent from
    an address past its limit of failed authentications is refused (RateLimitedError) unread."""

    def __init__(
        self,
        keys: ApiKeys,
        limiter: RateLimiter | None = None,
        failures: FailedAuthenticationCounter | None = None,
    ) -> None:
        self._keys = keys
        self._limiter = limiter
        self._failures = failures

    def admit_without_storage(
        self, presented_key: str | None, client_address: str
    ) -> Caller | None:
        """The caller, when it can be told without reading the store (no key sent, none made
        as last seen, no rate limit); None when `admit` must decide."""
        if presented_key is None and self._limiter is None and self._keys.known_open():
            return Caller.open(client_address)
        return None

    def admit(self, presented_key: str | None, client_address: str) -> Caller:
        """The caller (its key, role and tenant; or the address while no key exists), once its
        request is counted."""
        if self._failures is not None and presented_key is not None:
            self._failures.check(client_address)  # past the limit, the key sent is not even read
        try:
            key = self._keys.authenticate(presented_key)
        except AuthenticationError:
            self._count_failure(client_address)
            raise
        caller = (
            Caller(f"key:{key.name}", key.name, key.role, key.tenant)
            if key is not None
            else Caller.open(client_address)
        )
        if self._limiter is not None:
            self._limiter.hit(caller.id)
        return caller

    def _count_failure(self, client_address: str) -> None:
        """Counts a failed authentication; the refusal stands even when the count cannot be kept."""
        if self._failures is None:
            return
        try:
            self._failures.record_failure(client_address)
        except StorageUnavailableError as error:
            log.warning("a failed authentication was not counted: %s", error)
