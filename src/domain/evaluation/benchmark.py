"""A benchmark: product descriptions with the values a person expects for some of their fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from src.domain.model import Value

Accepted = tuple[Value, ...] | None
"""The values accepted for one field (any of them is right), or None: the text does not say."""


@dataclass(frozen=True, slots=True)
class BenchmarkRow:
    """One product: its text and, per field code, the accepted values (None: not stated)."""

    description: str
    expected: Mapping[str, Accepted]

    def field_codes(self) -> tuple[str, ...]:
        return tuple(self.expected)
