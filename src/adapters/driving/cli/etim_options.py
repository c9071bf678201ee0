"""What the `etim` commands share: the xChange file, its features as fields, the language its
products are read in, and each product's text and key."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from src.adapters.driven.etim_xchange.document import XChangeDocument, XChangeProduct
from src.adapters.driven.etim_xchange.features import (
    FeatureMapping,
    feature_mapping,
    features_of,
    inferred_definitions,
    read_definitions,
)
from src.domain.errors import InvalidRequestError

XChangeFile = Annotated[
    Path, typer.Argument(help="The ETIM xChange file (JSON, V2.0).", show_default=False)
]
Features = Annotated[
    Path | None,
    typer.Option(
        "--features",
        help="The features' types, labels, units and value labels (JSON); without it, each "
        "feature is typed by the values the file holds and labelled by its code.",
        show_default=False,
    ),
]
Language = Annotated[
    str | None,
    typer.Option(
        help="The DescriptionLanguage products are read in (default: the file's first Language).",
        show_default=False,
    ),
]


def mapping_of(document: XChangeDocument, features: Path | None) -> FeatureMapping:
    given = read_definitions(features) if features is not None else {}
    return feature_mapping(features_of(document), given, inferred_definitions(document))


def language_of(document: XChangeDocument, language: str | None) -> str:
    if language:
        return language
    if document.languages:
        return document.languages[0]
    raise InvalidRequestError(f"{document.path} names no Language: give --language")


def product_keys(document: XChangeDocument) -> dict[str, XChangeProduct]:
    """Each product by its ManufacturerProductNumber, or by its place in the file when it has
    none or shares it with another product."""
    numbers = Counter(p.number for p in document.products)
    return {
        (p.number if p.number is not None and numbers[p.number] == 1 else p.record): p
        for p in document.products
    }
