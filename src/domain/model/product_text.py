"""What a product text may be wherever it comes in (a lookup, a review decision, a queued value):
storable (no NUL, no lone surrogate) and at most MAX_DESCRIPTION_CHARS characters."""

from __future__ import annotations

from src.domain.errors import InvalidRequestError
from src.domain.model.storable_text import check_storable

DEFAULT_MAX_DESCRIPTION_CHARS = 10_000


def check_description(description: str, max_chars: int, location: tuple[str | int, ...]) -> None:
    """Raises InvalidRequestError naming `location` when `description` is over `max_chars`
    characters or holds what no database stores."""
    check_storable(description, "the description", location)
    length = len(description)
    if length > max_chars:
        raise InvalidRequestError(
            f"the description has {length} characters; at most {max_chars} are accepted",
            location,
        )
