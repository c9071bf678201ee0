"""A small hand-written ETIM xChange V2.0 file of lamps, and the features file that describes
its features, for the `etim` commands' tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

BASE, POWER, DIMMABLE, VOLTAGE_RANGE, UNTYPED = (
    "EF000007",
    "EF000008",
    "EF000009",
    "EF000010",
    "EF000011",
)
BASE_VALUES = {"EV000001": "E27", "EV000002": "E14", "EV000003": "GU10"}

FEATURES: dict[str, Any] = {
    BASE: {"type": "A", "label": "Lamp base", "values": BASE_VALUES},
    POWER: {"type": "N", "label": "Power", "unit": "W"},
    DIMMABLE: {"type": "L", "label": "Dimmable", "description": "Can be dimmed"},
    VOLTAGE_RANGE: {"type": "R", "label": "Voltage range", "unit": "V"},
}


def _product(number: str, texts: dict[str, str], *classes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ProductIdentification": {
            "ManufacturerName": "Lumen Works",
            "ManufacturerProductNumber": number,
        },
        "ProductDetails": {
            "ProductStatus": "ACTIVE",
            "ProductDescriptions": [
                {"DescriptionLanguage": language, "MinimalProductDescription": text}
                for language, text in texts.items()
            ],
        },
        "EtimClassification": [
            {
                "EtimReleaseVersion": release,
                "EtimClassCode": "EC001959",
                "EtimClassVersion": 1,
                "EtimFeatures": copy.deepcopy(features),
            }
            for release, features in zip(("9.0", "10.0"), classes, strict=False)
        ],
    }


def _empty(*codes: str) -> list[dict[str, Any]]:
    return [{"EtimFeatureCode": code} for code in codes]


def lamps() -> dict[str, Any]:
    """Six products: LW-1 filled (the examples), LW-2 and LW-3 empty, LW-4 with no English
    text, LW-5 with a feature not applicable (ReasonNoValue NA), LW-6 whose base the text does
    not give; LW-3 is classified in two releases."""
    filled = [
        {"EtimFeatureCode": BASE, "EtimValueCode": "EV000001"},
        {"EtimFeatureCode": POWER, "EtimValueNumeric": "8"},
        {"EtimFeatureCode": DIMMABLE, "EtimValueLogical": True},
        {
            "EtimFeatureCode": VOLTAGE_RANGE,
            "EtimValueRangeLower": "220",
            "EtimValueRangeUpper": "240",
        },
        {"EtimFeatureCode": UNTYPED},
    ]
    empty = _empty(BASE, POWER, DIMMABLE, VOLTAGE_RANGE)
    products = [
        _product("LW-1", {"en-GB": "LED lamp 8 W E27, dimmable"}, filled),
        _product("LW-2", {"en-GB": "LED candle lamp 5 W, E14 base, 220-240 V"}, empty),
        _product(
            "LW-3", {"en-GB": "LED spot 4,5 W GU10"}, _empty(BASE, POWER), _empty(BASE, POWER)
        ),
        _product("LW-4", {"de-DE": "LED-Lampe 9 W E27"}, _empty(BASE, POWER)),
        _product(
            "LW-5",
            {"en-GB": "LED lamp 7 W E27"},
            [*_empty(BASE), {"EtimFeatureCode": DIMMABLE, "ReasonNoValue": "NA"}],
        ),
        _product("LW-6", {"en-GB": "LED filament globe 6 W"}, _empty(BASE)),
    ]
    return {
        "CatalogueId": "LUMEN-2026",
        "CatalogueName": [{"Language": "en-GB", "CatalogueName": "Lumen Works lamps"}],
        "CatalogueType": "FULL",
        "GenerationDate": "2026-12-01",
        "CatalogueValidityStart": "2026-12-01",
        "Language": ["en-GB", "de-DE"],
        "CurrencyCode": "EUR",
        "Supplier": [
            {"SupplierName": "Lumen Works", "SupplierIdGln": "8712345000004", "Product": products}
        ],
    }


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


SCHEMA_PATH = Path(__file__).with_name("etim_xchange_schema.json")


def schema_errors(document: object) -> list[str]:
    """Where and why `document` breaks the xChange structures the tests check (none: valid)."""
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]
