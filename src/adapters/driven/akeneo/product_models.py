"""Where a value of a variant product is written: on the product, or on the product model whose
level of the family variant holds its attribute (Akeneo refuses it anywhere else).

A family variant spreads a family's attributes over levels: its `variant_attribute_sets` give
level 1 (and 2) their attributes and axes; the root product model holds every other one. A
variant product is at the last level, its parent model one level up, that model's parent (with
two levels) at the root.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from src.adapters.driven.akeneo.client import AkeneoClient

MODELS_PATH = "/api/rest/v1/product-models"
PRODUCTS_PATH = "/api/rest/v1/products-uuid"
PAGE = 100


@dataclass(frozen=True, slots=True)
class ProductModel:
    code: str
    family: str
    family_variant: str
    parent: str | None


class ProductModels:
    """The product models of chosen families, listed once (search_after, a page of 100 at a
    time: a model takes some tens of bytes), and their family variants, read as needed."""

    def __init__(self, client: AkeneoClient, families: Sequence[str]) -> None:
        self._client = client
        self._families = list(families)
        self._models: dict[str, ProductModel] | None = None
        self._levels: dict[str, dict[int, frozenset[str]]] = {}

    @property
    def any(self) -> bool:
        """Whether the families have product models (else every value is the product's)."""
        return bool(self._listed())

    def parents(self, uuids: Sequence[str]) -> dict[str, str | None]:
        """The parent model (None: a simple product) of each product of `uuids` (100 at
        most: one request)."""
        search = json.dumps({"uuid": [{"operator": "IN", "value": list(uuids)}]})
        return {
            str(product["uuid"]): product.get("parent")
            for product in self._client.items(
                PRODUCTS_PATH,
                {"pagination_type": "search_after", "limit": str(PAGE), "search": search},
            )
        }

    def owner(self, parent: str | None, attribute: str) -> str | None:
        """The code of the model that holds `attribute` for a product whose parent model is
        `parent`; None when the product itself holds it (or Akeneo is to say why not)."""
        model = self._listed().get(parent) if parent is not None else None
        if model is None:
            return None
        levels = self._levels_of(model)
        if attribute in levels.get(len(levels) - 1, frozenset()):
            return None
        level = len(levels) - 2
        while model is not None and level >= 0:
            if attribute in levels[level]:
                return model.code
            model = self._listed().get(model.parent) if model.parent is not None else None
            level -= 1
        return None

    def _levels_of(self, model: ProductModel) -> dict[int, frozenset[str]]:
        """Each level's attributes, 0 the root model's, the last the variant products'."""
        if model.family_variant not in self._levels:
            variant = self._client.get(
                f"/api/rest/v1/families/{quote(model.family, safe='')}"
                f"/variants/{quote(model.family_variant, safe='')}"
            )
            sets = {
                int(held["level"]): frozenset([*held.get("attributes", []), *held.get("axes", [])])
                for held in variant.get("variant_attribute_sets", [])
            }
            family = self._client.get(f"/api/rest/v1/families/{quote(model.family, safe='')}")
            spread = frozenset().union(*sets.values()) if sets else frozenset()
            root = frozenset(code for code in family.get("attributes", []) if code not in spread)
            self._levels[model.family_variant] = {0: root, **sets}
        return self._levels[model.family_variant]

    def _listed(self) -> Mapping[str, ProductModel]:
        if self._models is None:
            search = json.dumps({"family": [{"operator": "IN", "value": self._families}]})
            self._models = {
                str(item["code"]): ProductModel(
                    str(item["code"]),
                    str(item.get("family")),
                    str(item["family_variant"]),
                    item.get("parent"),
                )
                for item in self._client.items(
                    MODELS_PATH,
                    {"pagination_type": "search_after", "limit": str(PAGE), "search": search},
                )
            }
        return self._models
