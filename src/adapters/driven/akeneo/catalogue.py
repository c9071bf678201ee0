"""What Akeneo's catalogue says of chosen families: their attributes, each a field of the
service or skipped with its reason, and their products."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from src.adapters.driven.akeneo.attributes import (
    SELECTS,
    MappedAttribute,
    Where,
    mapped,
    skip_reason,
)
from src.adapters.driven.akeneo.client import AkeneoClient
from src.adapters.driven.akeneo.errors import AkeneoError

PAGE = 100
"""Items per page: Akeneo's most."""
ATTRIBUTES_PER_SEARCH = 50


@dataclass(frozen=True, slots=True)
class SkippedAttribute:
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class FamilyAttributes:
    """The attributes of chosen families: those that are fields, and those skipped."""

    mapped: tuple[MappedAttribute, ...]
    skipped: tuple[SkippedAttribute, ...]

    def by_code(self) -> dict[str, MappedAttribute]:
        return {attribute.code: attribute for attribute in self.mapped}


class AkeneoCatalogue:
    """Reads families, attributes, options, measurement families and products."""

    def __init__(self, client: AkeneoClient) -> None:
        self._client = client

    def attributes(self, families: Sequence[str], where: Where) -> FamilyAttributes:
        """The attributes of `families` (each once, in the families' order), the identifier
        attribute left out."""
        codes: list[str] = []
        for family in families:
            found = self._client.get(f"/api/rest/v1/families/{quote(family, safe='')}")
            codes += [code for code in found.get("attributes", []) if code not in codes]
        attributes = self._attributes(codes)
        units: dict[str, dict[str, str]] | None = None
        fields, skipped = [], []
        for code in codes:
            attribute = attributes.get(code)
            if attribute is None:
                skipped.append(SkippedAttribute(code, "Akeneo does not list it"))
                continue
            if attribute.get("type") == "pim_catalog_identifier":
                continue
            reason = skip_reason(attribute)
            if reason is not None:
                skipped.append(SkippedAttribute(code, reason))
                continue
            options = self._options(code) if attribute["type"] in SELECTS else {}
            if attribute["type"] == "pim_catalog_metric" and units is None:
                units = self._unit_symbols()
            fields.append(mapped(attribute, options, units or {}, where))
        return FamilyAttributes(tuple(fields), tuple(skipped))

    def products(
        self, families: Sequence[str], search: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """The products of `families` that also match Akeneo's `search` filters, by the
        search-after pagination of the UUID endpoint."""
        filters = {**(search or {}), "family": [{"operator": "IN", "value": list(families)}]}
        return self._client.items(
            "/api/rest/v1/products-uuid",
            {
                "pagination_type": "search_after",
                "limit": str(PAGE),
                "search": json.dumps(filters),
            },
        )

    def _attributes(self, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(codes), ATTRIBUTES_PER_SEARCH):
            chunk = list(codes[start : start + ATTRIBUTES_PER_SEARCH])
            search = json.dumps({"code": [{"operator": "IN", "value": chunk}]})
            for attribute in self._client.items(
                "/api/rest/v1/attributes", {"search": search, "limit": str(PAGE)}
            ):
                found[str(attribute["code"])] = attribute
        return found

    def _options(self, attribute: str) -> dict[str, dict[str, str]]:
        return {
            str(option["code"]): dict(option.get("labels") or {})
            for option in self._client.items(
                f"/api/rest/v1/attributes/{quote(attribute, safe='')}/options",
                {"limit": str(PAGE)},
            )
        }

    def _unit_symbols(self) -> dict[str, dict[str, str]]:
        families = self._client.get("/api/rest/v1/measurement-families")
        if not isinstance(families, list):
            raise AkeneoError("Akeneo's measurement families are not a list")
        return {
            str(family["code"]): {
                str(code): str(unit.get("symbol") or code)
                for code, unit in (family.get("units") or {}).items()
            }
            for family in families
        }
