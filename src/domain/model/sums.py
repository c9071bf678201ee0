"""Counters that add up field by field (token usage, spend, cost)."""

from __future__ import annotations

from dataclasses import fields
from typing import Self


class Summable:
    """A dataclass of counters: `a + b` sums each field (`sum(..., Zero())` adds up many)."""

    __slots__ = ()

    def __add__(self, other: Self) -> Self:
        return type(self)(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))
