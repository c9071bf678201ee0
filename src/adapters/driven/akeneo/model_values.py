"""A batch of product lines split by where each value belongs: the values of a variant product
that its models' levels hold move to one line per model. A model takes one value an attribute:
the first product of the batch to bring one gives it, and a model attribute written already
(this run, or a run the state file remembers) is not written again."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from src.adapters.driven.akeneo.product_models import ProductModels

Values = dict[str, list[dict[str, Any]]]


@dataclass(slots=True)
class SplitBatch:
    products: list[tuple[str, Values]]
    """Each product's uuid and the values it holds itself (maybe none)."""
    models: dict[str, Values] = field(default_factory=dict)
    """Each model's code and the values it takes."""
    carriers: dict[str, set[str]] = field(default_factory=dict)
    """Each model's code and the products whose values it takes."""
    left: int = 0
    """Values not written: their model has that attribute written already."""


def split_batch(
    lines: Sequence[tuple[str, Values]], models: ProductModels, written: Set[tuple[str, str]]
) -> SplitBatch:
    """`lines` (uuid, values) split between the products and their models; `written` holds
    the (model, attribute) pairs written already."""
    parents = models.parents([uuid for uuid, values in lines if values]) if lines else {}
    split = SplitBatch([])
    for uuid, values in lines:
        own: Values = {}
        for code, entry in values.items():
            owner = models.owner(parents.get(uuid), code)
            if owner is None:
                own[code] = entry
            elif (owner, code) in written or code in split.models.get(owner, {}):
                split.left += 1
            else:
                split.models.setdefault(owner, {})[code] = entry
                split.carriers.setdefault(owner, set()).add(uuid)
        split.products.append((uuid, own))
    return split
