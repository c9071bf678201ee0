"""What a field and an example may hold, the same whichever database stores them: a code of at
most 64 characters, a unit of at most 32 (the columns' sizes, migration 001; SQLite would take
more, PostgreSQL refuses it), and no text that cannot be stored (a NUL, a lone surrogate)."""

from __future__ import annotations

from src.domain.model import Field
from src.domain.model.storable_text import unstorable_reason

MAX_FIELD_CODE_CHARS = 64
MAX_UNIT_CHARS = 32


def field_defect(field: Field) -> str | None:
    """Why `field` cannot be stored ("the unit has 40 characters; at most 32 are accepted"),
    or None when it can."""
    for name, text, limit in (
        ("code", field.code, MAX_FIELD_CODE_CHARS),
        ("unit", field.unit, MAX_UNIT_CHARS),
    ):
        if text is not None and len(text) > limit:
            return f"the {name} has {len(text)} characters; at most {limit} are accepted"
    texts = [
        ("code", field.code),
        ("label", field.label),
        ("unit", field.unit),
        ("description", field.description),
    ]
    return _unstorable([*texts, *(("option", option) for option in field.options)])


def example_defect(field_code: str, context: str, value: object) -> str | None:
    """Why an example cannot be stored, or None when it can."""
    texts = [("field code", field_code), ("context", context)]
    return _unstorable([*texts, ("value", value if isinstance(value, str) else None)])


def _unstorable(texts: list[tuple[str, str | None]]) -> str | None:
    for name, text in texts:
        reason = unstorable_reason(text) if text is not None else None
        if reason is not None:
            return f"the {name} holds {reason}"
    return None
