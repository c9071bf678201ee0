"""An Akeneo attribute as a field: its value read from a product and written back in the
channel and locale it has, a select by its option code, a multi-select by the list of its
option codes, a metric in its default unit."""

from __future__ import annotations

from typing import Any

from src.adapters.driven.akeneo.attributes import Where, mapped, skip_reason
from src.domain.model import FieldType

WHERE = Where("ecommerce", "fr_FR")
OPTIONS = {"e27": {"en_US": "E27 screw", "fr_FR": "Culot E27"}, "e14": {"en_US": "E14"}}
UNITS = {"Power": {"WATT": "W", "KILOWATT": "kW"}}


def _attribute(kind: str, **more: Any) -> dict[str, Any]:
    return {"code": "a", "type": kind, "labels": {"fr_FR": "Attribut"}, **more}


def _product(*values: dict[str, Any]) -> dict[str, Any]:
    return {"values": {"a": list(values)}}


def test_a_select_offers_its_labels_in_the_locale_and_writes_the_option_code() -> None:
    select = mapped(_attribute("pim_catalog_simpleselect"), OPTIONS, {}, WHERE)

    assert select.field.type is FieldType.SELECT
    assert select.field.options == ("Culot E27", "e14")  # no fr_FR label: the code
    assert select.written("Culot E27", WHERE) == {"locale": None, "scope": None, "data": "e27"}
    assert select.written("GU10", WHERE) is None
    assert (
        select.value(_product({"locale": None, "scope": None, "data": "e27"}), WHERE) == "Culot E27"
    )


def test_a_localizable_scopable_value_is_read_and_written_in_the_chosen_ones() -> None:
    text = mapped(_attribute("pim_catalog_text", localizable=True, scopable=True), {}, {}, WHERE)
    product = _product(
        {"locale": "en_US", "scope": "ecommerce", "data": "Lamp"},
        {"locale": "fr_FR", "scope": "print", "data": "Lampe (print)"},
    )

    assert text.is_empty(product, WHERE)
    product["values"]["a"].append({"locale": "fr_FR", "scope": "ecommerce", "data": "Lampe"})
    assert not text.is_empty(product, WHERE)
    assert text.value(product, WHERE) == "Lampe"
    assert text.written("Ampoule", WHERE) == {
        "locale": "fr_FR",
        "scope": "ecommerce",
        "data": "Ampoule",
    }


def test_a_metric_is_read_and_written_in_its_default_unit_only() -> None:
    metric = mapped(
        _attribute("pim_catalog_metric", metric_family="Power", default_metric_unit="WATT"),
        {},
        UNITS,
        WHERE,
    )

    assert (metric.field.type, metric.field.unit) == (FieldType.NUMBER, "W")
    assert metric.written(7.5, WHERE)["data"] == {"amount": "7.5", "unit": "WATT"}  # type: ignore[index]
    assert metric.written(40, WHERE)["data"] == {"amount": 40, "unit": "WATT"}  # type: ignore[index]
    watts = {"locale": None, "scope": None, "data": {"amount": "40.0000", "unit": "WATT"}}
    kilowatts = {"locale": None, "scope": None, "data": {"amount": "0.04", "unit": "KILOWATT"}}
    assert metric.value(_product(watts), WHERE) == 40
    assert metric.value(_product(kilowatts), WHERE) is None


def test_a_false_boolean_is_a_filled_value() -> None:
    boolean = mapped(_attribute("pim_catalog_boolean"), {}, {}, WHERE)
    product = _product({"locale": None, "scope": None, "data": False})

    assert not boolean.is_empty(product, WHERE)
    assert boolean.value(product, WHERE) is False


def test_a_multi_select_is_a_list_of_labels_read_and_written_as_option_codes() -> None:
    several = mapped(_attribute("pim_catalog_multiselect"), OPTIONS, {}, WHERE)
    product = _product({"locale": None, "scope": None, "data": ["e14", "e27"]})

    assert (several.field.type, several.field.multiple) == (FieldType.SELECT, True)
    assert several.field.options == ("Culot E27", "e14")
    assert several.value(product, WHERE) == ["e14", "Culot E27"]
    assert several.written(["Culot E27", "e14"], WHERE) == {
        "locale": None,
        "scope": None,
        "data": ["e27", "e14"],
    }
    assert several.written(["Culot E27", "GU10"], WHERE) is None  # an option Akeneo lacks
    unknown = _product({"locale": None, "scope": None, "data": ["e27", "gu10"]})
    assert several.value(unknown, WHERE) is None
    assert several.is_empty(_product({"locale": None, "scope": None, "data": []}), WHERE)
    assert several.holds(product, WHERE, ["Culot E27", "e14"])  # the same options, any order
    assert not several.holds(product, WHERE, ["Culot E27"])


def test_other_types_are_skipped_with_their_reason() -> None:
    assert "pim_catalog_price_collection" in (
        skip_reason(_attribute("pim_catalog_price_collection")) or ""
    )
    assert skip_reason(_attribute("pim_catalog_multiselect")) is None
    assert skip_reason(_attribute("pim_catalog_number")) is None
