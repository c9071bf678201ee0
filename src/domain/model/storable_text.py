"""Text that every database and encoder takes: no NUL character (PostgreSQL refuses it in a
string; SQLite takes it) and no lone surrogate (not Unicode: it cannot be encoded as UTF-8, so
it can be neither hashed, stored, logged nor echoed). Checked before any work, the same on every
database, so that a request is refused the same way whichever one is behind the service."""

from __future__ import annotations

import re

from src.domain.errors import InvalidRequestError

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_reason(text: str) -> str | None:
    """Why `text` cannot be stored ("a NUL character at position 4"), or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    what = "a NUL character" if found.group() == "\x00" else "a lone surrogate (not valid Unicode)"
    return f"{what} at position {found.start()}"


def check_storable(text: str, what: str, location: tuple[str | int, ...]) -> None:
    """Raises InvalidRequestError naming `what` and `location` when `text` cannot be stored."""
    reason = unstorable_reason(text)
    if reason is not None:
        raise InvalidRequestError(f"{what} holds {reason}", location)
