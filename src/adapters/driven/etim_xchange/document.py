"""An xChange file read and checked: its products (Supplier[].Product[]), each with its
descriptions by language and the entries of its ETIM features (EtimClassification[].
EtimFeatures[]), kept as the file's own objects so that values written into them go back into
the file with everything else it holds untouched. A file that does not have this shape raises
DataFileError naming the file and the record ("Supplier[0].Product[3]"), before any work."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from src.adapters.driven.etim_xchange.kinds import (
    LOGICAL,
    NUMERIC,
    RANGE_LOWER,
    RANGE_UPPER,
    VALUE_CODE,
    VALUE_KEYS,
)
from src.domain.errors import DataFileError

FEATURE_CODE = re.compile(r"EF([0-9]{6}|I[0-9]{5}|[A-Z]{2}[0-9]{4})")
REASONS_NO_VALUE = ("MV", "NA", "UN")
DESCRIPTION_TEXTS = (
    "MinimalProductDescription",
    "UniqueMainProductDescription",
    "FullProductDescription",
)
"""The texts of a ProductDescriptions entry the lookup reads, in this order."""


@dataclass(frozen=True, slots=True)
class FeatureEntry:
    """One entry of EtimFeatures: the file's own object, and where it stands."""

    code: str
    entry: dict[str, Any]
    record: str

    @property
    def has_value(self) -> bool:
        return any(self.entry.get(key) is not None for key in VALUE_KEYS)

    @property
    def is_empty(self) -> bool:
        """No value and no reason for none (MV, NA, UN): a value to look up."""
        return not self.has_value and self.entry.get("ReasonNoValue") is None


@dataclass(frozen=True, slots=True)
class XChangeProduct:
    record: str
    """Where it stands in the file: "Supplier[0].Product[3]"."""
    number: str | None
    """Its ManufacturerProductNumber."""
    descriptions: Mapping[str, str]
    """Its text by DescriptionLanguage."""
    class_codes: tuple[str, ...]
    features: tuple[FeatureEntry, ...]

    def filled(self) -> set[str]:
        return {f.code for f in self.features if f.has_value}

    def empty(self) -> list[str]:
        """The codes of its features that have an empty entry and no value in any other."""
        filled = self.filled()
        return list(
            dict.fromkeys(f.code for f in self.features if f.is_empty and f.code not in filled)
        )


@dataclass(frozen=True, slots=True)
class XChangeDocument:
    path: Path
    data: dict[str, Any]
    products: tuple[XChangeProduct, ...]

    @property
    def languages(self) -> list[str]:
        return [str(language) for language in self.data.get("Language") or []]

    def save(self, path: Path) -> None:
        """Writes the file (with any values written into its entries) whole, or not at all."""
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(json.dumps(self.data, ensure_ascii=False, indent=2) + "\n", "utf-8")
        partial.replace(path)


def read_document(path: Path) -> XChangeDocument:
    """The file's products; DataFileError naming the file and record when it is malformed."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(source, None, "no such file") from None
    except UnicodeDecodeError as error:
        raise DataFileError(source, None, f"not UTF-8 text: {error.reason}") from None
    except json.JSONDecodeError as error:
        raise DataFileError(source, f"line {error.lineno}", f"not JSON: {error.msg}") from None
    if not isinstance(data, dict):
        raise DataFileError(source, None, "not an ETIM xChange file: the top is no JSON object")
    suppliers = _list(data, "Supplier", source, None, required=True)
    products = []
    for s, supplier in enumerate(suppliers):
        where = f"Supplier[{s}]"
        _object(supplier, source, where)
        for p, product in enumerate(_list(supplier, "Product", source, where)):
            products.append(_product(product, source, f"{where}.Product[{p}]"))
    return XChangeDocument(path, data, tuple(products))


def _product(product: Any, source: str, record: str) -> XChangeProduct:
    _object(product, source, record)
    identification = product.get("ProductIdentification") or {}
    _object(identification, source, f"{record}.ProductIdentification")
    number = identification.get("ManufacturerProductNumber")
    details = product.get("ProductDetails") or {}
    _object(details, source, f"{record}.ProductDetails")
    descriptions: dict[str, str] = {}
    for d, description in enumerate(_list(details, "ProductDescriptions", source, record)):
        where = f"{record}.ProductDescriptions[{d}]"
        _object(description, source, where)
        language = description.get("DescriptionLanguage")
        if not isinstance(language, str):
            raise DataFileError(source, where, "DescriptionLanguage is missing or not a string")
        texts = [description.get(key) for key in DESCRIPTION_TEXTS]
        lines = [t.strip() for t in texts if isinstance(t, str) and t.strip()]
        descriptions[language] = "\n".join(dict.fromkeys(lines))
    class_codes, features = [], []
    for c, classification in enumerate(_list(product, "EtimClassification", source, record)):
        where = f"{record}.EtimClassification[{c}]"
        _object(classification, source, where)
        class_code = classification.get("EtimClassCode")
        if not isinstance(class_code, str):
            raise DataFileError(source, where, "EtimClassCode is missing or not a string")
        class_codes.append(class_code)
        for f, entry in enumerate(_list(classification, "EtimFeatures", source, where)):
            features.append(_feature(entry, source, f"{where}.EtimFeatures[{f}]"))
    return XChangeProduct(
        record,
        number if isinstance(number, str) and number else None,
        descriptions,
        tuple(class_codes),
        tuple(features),
    )


def _feature(entry: Any, source: str, record: str) -> FeatureEntry:
    _object(entry, source, record)
    code = entry.get("EtimFeatureCode")
    if not isinstance(code, str) or not FEATURE_CODE.fullmatch(code):
        raise DataFileError(source, record, f"EtimFeatureCode {code!r} is no ETIM feature code")
    checks = (
        (VALUE_CODE, lambda v: isinstance(v, str) and re.fullmatch(r"EV[0-9]{6}", v), "an EV code"),
        (NUMERIC, _is_number, "a number"),
        (RANGE_LOWER, _is_number, "a number"),
        (RANGE_UPPER, _is_number, "a number"),
        (LOGICAL, lambda v: isinstance(v, bool), "true or false"),
        ("ReasonNoValue", lambda v: v in REASONS_NO_VALUE, "MV, NA or UN"),
    )
    for key, valid, expected in checks:
        value = entry.get(key)
        if value is not None and not valid(value):
            raise DataFileError(source, record, f"{code}: {key} {value!r} is not {expected}")
    return FeatureEntry(code, entry, record)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value) is not None


def _object(value: Any, source: str, record: str) -> None:
    if not isinstance(value, dict):
        raise DataFileError(source, record, "not a JSON object")


def _list(
    parent: dict[str, Any], key: str, source: str, record: str | None, required: bool = False
) -> list[Any]:
    value = parent.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        missing = "is missing" if value is None else "is not a list"
        raise DataFileError(source, record, f"{key} {missing}")
    return value
