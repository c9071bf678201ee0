"""The products of an Akeneo listing that have target attributes to fill, as a stream: read page
by page (search_after) while they are looked up, so that a large family is never held whole."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from src.adapters.driven.akeneo.attributes import MappedAttribute, Where
from src.adapters.driven.akeneo.descriptions import description
from src.domain.enrichment.ports import ProductToEnrich


class ProductsToEnrich:
    """Each listed product with at least one target to fill (every target with `overwrite`),
    its text the `texts` attributes; the others are counted as they pass: `complete` (nothing to
    fill) and `textless` (no text to read). Iterated once."""

    def __init__(
        self,
        listed: Iterable[Mapping[str, Any]],
        targets: Mapping[str, MappedAttribute],
        texts: Sequence[str],
        where: Where,
        overwrite: bool,
    ) -> None:
        self._listed = listed
        self._targets = targets
        self._texts = texts
        self._where = where
        self._overwrite = overwrite
        self.listed = 0
        self.to_enrich = 0
        self.complete = 0
        self.textless = 0

    def __iter__(self) -> Iterator[ProductToEnrich]:
        for number, product in enumerate(self._listed, 1):
            self.listed = number
            codes = tuple(
                code
                for code, attribute in self._targets.items()
                if self._overwrite or attribute.is_empty(product, self._where)
            )
            if not codes:
                self.complete += 1
                continue
            context = description(product, self._texts, self._where)
            if not context:
                self.textless += 1
                continue
            self.to_enrich += 1
            yield ProductToEnrich(str(product["uuid"]), context, codes, number)
