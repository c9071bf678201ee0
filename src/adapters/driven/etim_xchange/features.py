"""The ETIM features of a file as fields. An xChange file carries feature and value codes, not
the ETIM model's names, types or units: those come from a features file the user gives
(`--features`, JSON, see docs/etim-xchange.md); a feature it does not describe takes its type
from the values the xChange file holds (an EV code: A, a number: N, true/false: L, a range: R),
its code as its label and, for A, the EV codes seen as its options."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from src.adapters.driven.etim_xchange.document import FEATURE_CODE, XChangeDocument
from src.adapters.driven.etim_xchange.kinds import (
    KINDS,
    VALUE_CODE,
    FeatureDefinition,
    FeatureKind,
    kind_of_entry,
)
from src.domain.errors import DataFileError
from src.domain.model import Field


@dataclass(frozen=True, slots=True)
class MappedFeature:
    """A feature of the file that is a field of the service."""

    definition: FeatureDefinition
    kind: FeatureKind
    field: Field


@dataclass(frozen=True, slots=True)
class FeatureMapping:
    mapped: dict[str, MappedFeature]
    skipped: dict[str, str]
    """Why each feature that is no field is not one."""


def read_definitions(path: Path) -> dict[str, FeatureDefinition]:
    """A features file: {"EF000007": {"type": "A", "label": "Colour", "values": {"EV000080":
    "Black"}}, "EF000008": {"type": "N", "label": "Power", "unit": "W"}, …}; DataFileError
    naming the file and the feature when it is malformed."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(source, None, "no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataFileError(source, None, f"not JSON: {error}") from None
    if not isinstance(data, dict):
        raise DataFileError(source, None, "must be an object of features by code")
    return {code: _definition(code, spec, source) for code, spec in data.items()}


def _definition(code: str, spec: Any, source: str) -> FeatureDefinition:
    record = f"feature {code}"
    if not FEATURE_CODE.fullmatch(code):
        raise DataFileError(source, record, "is no ETIM feature code (EF…)")
    if not isinstance(spec, dict):
        raise DataFileError(source, record, "must be an object")
    kind = spec.get("type")
    if kind not in KINDS:
        raise DataFileError(source, record, f"type {kind!r} is not A, N, L or R")
    values = spec.get("values") or {}
    if not isinstance(values, dict) or not all(
        isinstance(v, str) and v.strip() for v in values.values()
    ):
        raise DataFileError(source, record, "values must be an object of labels by EV code")
    labels = list(values.values())
    if len(set(labels)) != len(labels):
        twice = sorted({label for label in labels if labels.count(label) > 1})
        raise DataFileError(source, record, f"two values have the label {twice[0]!r}")
    texts = {key: spec.get(key) for key in ("label", "unit", "description")}
    for key, text in texts.items():
        if text is not None and not isinstance(text, str):
            raise DataFileError(source, record, f"{key} must be a string")
    return FeatureDefinition(
        code=code,
        kind=str(kind),
        label=texts["label"] or code,
        unit=texts["unit"] or None,
        values={str(k): v.strip() for k, v in values.items()},
        description=texts["description"] or None,
    )


def inferred_definitions(document: XChangeDocument) -> dict[str, FeatureDefinition]:
    """Each feature of the file as its values show it; a feature with no value anywhere has no
    type and is left out."""
    kinds: dict[str, str] = {}
    value_codes: dict[str, dict[str, str]] = {}
    for product in document.products:
        for feature in product.features:
            kind = kind_of_entry(feature.entry)
            if kind is None:
                continue
            kinds.setdefault(feature.code, kind)
            if kind == "A":
                code = str(feature.entry[VALUE_CODE])
                value_codes.setdefault(feature.code, {})[code] = code
    return {
        code: FeatureDefinition(code, kind, code, values=value_codes.get(code, {}))
        for code, kind in kinds.items()
    }


def feature_mapping(
    codes: Iterable[str],
    given: Mapping[str, FeatureDefinition],
    inferred: Mapping[str, FeatureDefinition],
) -> FeatureMapping:
    """The fields of `codes`: as `given` describes them, else as `inferred`."""
    mapped: dict[str, MappedFeature] = {}
    skipped: dict[str, str] = {}
    for code in dict.fromkeys(codes):
        definition = given.get(code) or inferred.get(code)
        if definition is None:
            skipped[code] = "no type: no value in the file and not in --features"
        elif definition.kind == "A" and not definition.values:
            skipped[code] = "an A feature without values: give them in --features"
        else:
            kind = KINDS[definition.kind]
            mapped[code] = MappedFeature(definition, kind, kind.field(definition))
    return FeatureMapping(mapped, skipped)


def features_of(document: XChangeDocument) -> list[str]:
    """Every feature code of the file, in the order first met."""
    return list(dict.fromkeys(f.code for p in document.products for f in p.features))
