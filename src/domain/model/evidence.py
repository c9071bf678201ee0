"""Evidence of a value: spans of the product text it was read from (found by
`src/domain/evidence/`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """`text == description[start:end]`, offsets in Unicode code points of the description as
    sent."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, description: str, start: int, end: int) -> Span:
        return cls(start, end, description[start:end])


@dataclass(frozen=True, slots=True)
class Evidence:
    """The spans a value was read from (none when the text does not hold it: never invented),
    and whether the value is written as such in the text (not converted, not normalised)."""

    spans: tuple[Span, ...] = ()
    verbatim: bool = False


NO_EVIDENCE = Evidence()


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of a list value (a field with `multiple`): where it stands in the text, how
    likely it is right, and whether a person should check it, as a whole value has them."""

    value: str
    confidence: float | None = None
    evidence: Evidence | None = None
    review: bool | None = None
