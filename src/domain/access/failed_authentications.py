"""Wrong keys are not free to try: failed authentications are counted per client address, and an
address past its limit is refused, whatever key it sends, until its window ends."""

from __future__ import annotations

from typing import Protocol


class FailedAuthenticationCounter(Protocol):
    """Counts the failed authentications of each client address, in a store every worker
    process shares."""

    def check(self, address: str) -> None:
        """Raises RateLimitedError (saying when to retry) while `address` is past its limit of
        failures, StorageUnavailableError when the counts cannot be read."""
        ...

    def record_failure(self, address: str) -> None:
        """Counts one failed authentication of `address`; StorageUnavailableError when the
        counts cannot be reached."""
        ...
