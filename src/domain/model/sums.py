"""Counters that add up field by field (token usage, spend, cost)."""

from __future__ import annotations

from dataclasses import fields
from typing import Self


class Summable:
    """A dataclass of counters: `a + b` sums each field (`sum(..., Zero())` adds up many)."""

    __slots__ = ()

    def __add__(self, other: Self) -> Self:
        return type(self)(
            *[getattr(self, name) + getattr(other, name) for name in _names(type(self))]
        )


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(kind: type) -> tuple[str, ...]:
    """The fields of a Summable dataclass, read once per class (a dict rather than
    functools.cache, whose Hashable argument mypy does not see in a class object)."""
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(f.name for f in fields(kind))
    return names
