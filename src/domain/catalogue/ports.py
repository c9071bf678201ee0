"""The ports of the catalogue: the fields, their examples, and the store that provisions both at
once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from src.domain.catalogue.selection import SelectionPolicy, TrigramSimilarity
from src.domain.model import Example, Field


class FieldRepository(Protocol):
    """The known fields."""

    def get_many(self, codes: Sequence[str]) -> dict[str, Field]:
        """The fields of these codes that exist, in one query; unknown codes are left out."""
        ...

    def get(self, code: str) -> Field | None: ...

    def list_all(self) -> list[Field]:
        """Every field, ordered by code."""
        ...


class ExampleRepository(Protocol):
    """Labelled examples, searched by similarity to a product description."""

    def most_similar(
        self,
        field_codes: Sequence[str],
        description: str,
        k: int,
        exclude_context: str | None = None,
        revisions: Mapping[str, int] | None = None,
    ) -> dict[str, list[Example]]:
        """For each field, its `k` examples whose context is most similar to `description`,
        most similar first, in one query; `exclude_context` leaves out one product's own text.
        `revisions`: the fields' revisions as the caller read them (`Field.revision`), so that
        a store holding a field's examples need not read them again."""
        ...


@runtime_checkable
class LabelledValues(Protocol):
    """Every labelled example of a field, for the rules that read a field's known values."""

    def labelled(self, field_codes: Sequence[str]) -> dict[str, Sequence[Example]]:
        """For each field with examples, all of them, in the order they were stored; the same
        sequence object while the catalogue does not change, where the store can keep it."""
        ...


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What a lookup reads of the catalogue: the fields, their examples searched by similarity,
    every labelled value of a field where the store gives them (for the known-value rules;
    None: those rules know no value), and the policy that selects the examples (its identity
    keys the cached answers)."""

    fields: FieldRepository
    examples: ExampleRepository
    labelled: LabelledValues | None = None
    selection: SelectionPolicy = TrigramSimilarity()


@dataclass(frozen=True, slots=True)
class ProvisionReport:
    fields_created: int
    fields_updated: int
    examples_created: int
    examples_updated: int


class CatalogueStore(Protocol):
    """Writes fields and examples together."""

    def provision(self, fields: Sequence[Field], examples: Iterable[Example]) -> ProvisionReport:
        """Upserts all of them in one transaction: twice leaves one copy; a failure (one raised
        while `examples` is read included), nothing. The examples are read as they are
        written, so that memory holds a batch of them, whatever their number."""
        ...
