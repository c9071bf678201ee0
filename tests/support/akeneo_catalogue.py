"""An Akeneo catalogue of lamps for the stand-in: a family with nine attributes the service
fills (three selects, a multi-select, two metrics, two numbers, a boolean), two text attributes
that describe the product, and one it skips (a date); and the same with product models."""

from __future__ import annotations

from typing import Any

from tests.support.akeneo_stand_in import Catalogue

FAMILY = "lamps"
TARGETS = (
    "lamp_base",
    "finish",
    "light_colour",
    "power",
    "voltage",
    "lumens",
    "weight",
    "dimmable",
    "colours",
)
BASES = {"e27": "E27", "e14": "E14", "gu10": "GU10", "b22": "B22"}
FINISHES = {"matt": "Matt", "glossy": "Glossy", "chrome": "Chrome"}
COLOURS = {"warm": "Warm white", "cool": "Cool white", "daylight": "Daylight"}


def product_uuid(number: int) -> str:
    return f"{number:08x}-0000-4000-8000-{number:012x}"


def _attribute(code: str, kind: str, label: str, **more: Any) -> dict[str, Any]:
    return {
        "code": code,
        "type": kind,
        "group": "technical",
        "localizable": False,
        "scopable": False,
        "labels": {"en_US": label, "fr_FR": label},
        "guidelines": {},
        **more,
    }


def _options(attribute: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"code": code, "attribute": attribute, "sort_order": n, "labels": {"en_US": label}}
        for n, (code, label) in enumerate(labels.items())
    ]


def _value(data: Any, locale: str | None = None, scope: str | None = None) -> list[dict[str, Any]]:
    return [{"locale": locale, "scope": scope, "data": data}]


def lamp_text(number: int) -> str:
    """The description of product `number`: every seventh names no base; every other one
    names a housing colour."""
    base = "" if number % 7 == 3 else f" with {list(BASES.values())[number % 4]} base"
    finish = list(FINISHES.values())[number % 3]
    colour = list(COLOURS.values())[number % 3]
    housing = ", red housing" if number % 2 else ""
    return f"{40 + number % 20} W LED bulb{base}, 230 V, {finish} finish, {colour}{housing}"


def lamp_catalogue(products: int, base_filled_every: int = 5) -> Catalogue:
    """`products` lamps; every `base_filled_every`th one has its base (GU10) and colours (red
    and blue) filled already; 0: none. Every sixth one (5, 11, …) is disabled; the finish is
    scopable."""
    attributes = [
        _attribute("sku", "pim_catalog_identifier", "SKU"),
        _attribute("name", "pim_catalog_text", "Name", localizable=True),
        _attribute(
            "description", "pim_catalog_textarea", "Description", localizable=True, scopable=True
        ),
        _attribute("lamp_base", "pim_catalog_simpleselect", "Lamp base"),
        _attribute("finish", "pim_catalog_simpleselect", "Finish", scopable=True),
        _attribute("light_colour", "pim_catalog_simpleselect", "Light colour"),
        _attribute(
            "power",
            "pim_catalog_metric",
            "Power",
            metric_family="Power",
            default_metric_unit="WATT",
        ),
        _attribute(
            "voltage",
            "pim_catalog_metric",
            "Voltage",
            metric_family="ElectricPotential",
            default_metric_unit="VOLT",
        ),
        _attribute("lumens", "pim_catalog_number", "Luminous flux", decimals_allowed=False),
        _attribute("weight", "pim_catalog_number", "Weight", decimals_allowed=True),
        _attribute("dimmable", "pim_catalog_boolean", "Dimmable"),
        _attribute("colours", "pim_catalog_multiselect", "Colours"),
        _attribute("launch_date", "pim_catalog_date", "Launch date"),
    ]
    catalogue = Catalogue(
        families={
            FAMILY: {
                "code": FAMILY,
                "attribute_as_label": "name",
                "attribute_as_image": None,
                "attributes": [a["code"] for a in attributes],
                "attribute_requirements": {"ecommerce": ["sku"]},
                "labels": {"en_US": "Lamps"},
            }
        },
        attributes={a["code"]: a for a in attributes},
        options={
            "lamp_base": _options("lamp_base", BASES),
            "finish": _options("finish", FINISHES),
            "light_colour": _options("light_colour", COLOURS),
            "colours": _options("colours", {"red": "Red", "blue": "Blue"}),
        },
        measurement_families=[
            {
                "code": "Power",
                "labels": {"en_US": "Power"},
                "standard_unit_code": "WATT",
                "units": {
                    "WATT": {
                        "code": "WATT",
                        "labels": {"en_US": "Watt"},
                        "symbol": "W",
                        "convert_from_standard": [{"operator": "mul", "value": "1"}],
                    },
                    "KILOWATT": {
                        "code": "KILOWATT",
                        "labels": {"en_US": "Kilowatt"},
                        "symbol": "kW",
                        "convert_from_standard": [{"operator": "mul", "value": "1000"}],
                    },
                },
            },
            {
                "code": "ElectricPotential",
                "labels": {"en_US": "Electric potential"},
                "standard_unit_code": "VOLT",
                "units": {
                    "VOLT": {
                        "code": "VOLT",
                        "labels": {"en_US": "Volt"},
                        "symbol": "V",
                        "convert_from_standard": [{"operator": "mul", "value": "1"}],
                    },
                },
            },
        ],
    )
    for number in range(products):
        uuid = product_uuid(number)
        values: dict[str, Any] = {
            "sku": _value(f"LAMP-{number:05d}"),
            "name": _value("LED bulb", locale="en_US"),
            "description": _value(lamp_text(number), locale="en_US", scope="ecommerce"),
        }
        if base_filled_every and number % base_filled_every == 0:
            values["lamp_base"] = _value("gu10")
            values["colours"] = _value(["red", "blue"])
        catalogue.products[uuid] = {
            "uuid": uuid,
            "enabled": number % 6 != 5,
            "family": FAMILY,
            "categories": [],
            "groups": [],
            "parent": None,
            "values": values,
            "created": "2026-01-01T00:00:00+00:00",
            "updated": "2026-01-01T00:00:00+00:00",
            "associations": {},
            "quantified_associations": {},
        }
    return catalogue


VARIANT = "lamps_by_light_colour"
"""A family variant of one level: a variant product holds its text, power and light colour
(the axis); its product model holds every other attribute."""


def model_code(number: int) -> str:
    return f"lamp-series-{number}"


def lamp_catalogue_with_models(products: int, models: int) -> Catalogue:
    """`products` lamps (none filled) of which the first 2 × `models` are variants, two of each
    model (products 2k and 2k + 1 of model k); model 0 has its base (GU10) filled."""
    catalogue = lamp_catalogue(products, base_filled_every=0)
    catalogue.family_variants[VARIANT] = {
        "code": VARIANT,
        "family": FAMILY,
        "labels": {"en_US": "Lamps by light colour"},
        "variant_attribute_sets": [
            {
                "level": 1,
                "axes": ["light_colour"],
                "attributes": ["sku", "description", "power", "light_colour"],
            }
        ],
    }
    for number in range(models):
        values: dict[str, Any] = {"name": _value("LED bulb", locale="en_US")}
        if number == 0:
            values["lamp_base"] = _value("gu10")
        catalogue.product_models[model_code(number)] = {
            "code": model_code(number),
            "family": FAMILY,
            "family_variant": VARIANT,
            "parent": None,
            "categories": [],
            "values": values,
            "created": "2026-01-01T00:00:00+00:00",
            "updated": "2026-01-01T00:00:00+00:00",
        }
    for number in range(2 * models):
        product = catalogue.products[product_uuid(number)]
        product["parent"] = model_code(number // 2)
        del product["values"]["name"]
        product["values"]["light_colour"] = _value(list(COLOURS)[number % 3])
    return catalogue
