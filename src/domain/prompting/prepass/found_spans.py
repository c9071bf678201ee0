"""Where a text rule found a value in a text: its span and the key the rule knows it by, and
the spans that no longer one holds (a value inside a longer one that also appears does not
count: "Steel" in "Stainless Steel", "14k" in "14k rose gold")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FoundSpan:
    """A value found at `start`:`end` of a text, known to its rule by `key`."""

    start: int
    end: int
    key: tuple[str, ...]

    def inside(self, other: FoundSpan) -> bool:
        """Whether `other` holds this span and is longer."""
        return (
            other.start <= self.start
            and self.end <= other.end
            and (other.end - other.start) > (self.end - self.start)
        )


def outermost(found: Sequence[FoundSpan]) -> list[FoundSpan]:
    """The spans of `found` that no longer one of them holds."""
    return [one for one in found if not any(one.inside(other) for other in found)]
