"""A product's text, as the lookup reads it: chosen text attributes, in their order, one per
line, each in the chosen channel and locale (or the value that has neither)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from src.adapters.driven.akeneo.attributes import Where


def description(product: Mapping[str, Any], text_attributes: Sequence[str], where: Where) -> str:
    parts = []
    for code in text_attributes:
        for value in product.get("values", {}).get(code, []):
            if value.get("locale") in (where.locale, None) and value.get("scope") in (
                where.channel,
                None,
            ):
                data = value.get("data")
                if isinstance(data, str) and data.strip():
                    parts.append(data.strip())
                break
    return "\n".join(parts)
