"""The port of enrichment: where enriched products go."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import Protocol

from src.domain.model import LookupResult


@dataclass(frozen=True, slots=True)
class ProductToEnrich:
    """One product to enrich, and the line of the file it comes from."""

    id: str | int
    description: str
    fields: tuple[str, ...]
    line: int

    @property
    def key(self) -> str:
        """What identifies the product across runs (the id as text: 7 and "7" are one product)."""
        return str(self.id)


@dataclass(frozen=True, slots=True)
class EnrichedProduct:
    """A product's id and what its lookup found."""

    id: str | int
    result: LookupResult


class EnrichedProducts(Protocol):
    """The output of a run: products already there are skipped by the next run."""

    @property
    def done(self) -> Set[str]:
        """The keys of the products written, by this run or an earlier one."""
        ...

    def write(self, product: EnrichedProduct) -> None:
        """Adds one product's values for good (a run stopped after it does not lose it)."""
        ...
