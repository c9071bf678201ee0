"""Which of the field codes a batch asks the catalogue knows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from src.domain.catalogue.ports import FieldRepository
from src.domain.model import Field


@dataclass(frozen=True, slots=True)
class KnownFields:
    codes: list[str]
    """Every field code asked, once, in the order first asked."""
    fields: dict[str, Field]
    """The fields of the codes the catalogue knows, by code."""
    unknown: list[str]
    """The codes no field has, in the order first asked."""


def known_fields(repository: FieldRepository, codes: Iterable[str]) -> KnownFields:
    """The fields of `codes` (repeats allowed), read in one call."""
    asked = list(dict.fromkeys(codes))
    fields = repository.get_many(asked)
    return KnownFields(asked, fields, [code for code in asked if code not in fields])
