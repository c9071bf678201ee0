"""ETIM xChange files: features typed as fields, values read from and written into their
entries in the file's own forms, products read with their empty features, and the xChange
structures the tests validate against refusing what the file format does not allow."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from src.adapters.driven.etim_xchange.document import read_document
from src.adapters.driven.etim_xchange.features import (
    feature_mapping,
    features_of,
    inferred_definitions,
)
from src.adapters.driven.etim_xchange.kinds import KINDS, FeatureDefinition
from src.adapters.driven.etim_xchange.write_back import XChangeWriteBack
from src.domain.enrichment.ports import EnrichedProduct
from src.domain.errors import DataFileError
from src.domain.model import FieldOutcome, LookupResult, OutcomeStatus
from tests.support.etim_xchange import (
    BASE,
    BASE_VALUES,
    DIMMABLE,
    POWER,
    UNTYPED,
    VOLTAGE_RANGE,
    lamps,
    schema_errors,
    write_json,
)

LAMP_BASE = FeatureDefinition(BASE, "A", "Lamp base", values=BASE_VALUES)
POWER_W = FeatureDefinition(POWER, "N", "Power", unit="W")
VOLTAGE_V = FeatureDefinition(VOLTAGE_RANGE, "R", "Voltage range", unit="V")


@pytest.mark.parametrize(
    ("value", "written"),
    [(5, "5"), (4.5, "4.5"), (1 / 3, "0.3333"), (-12.25, "-12.25"), (10**13, None), (True, None)],
)
def test_a_number_is_written_as_the_files_decimal_string(value: Any, written: str | None) -> None:
    expected = None if written is None else {"EtimValueNumeric": written}
    assert KINDS["N"].written(value, POWER_W) == expected


def test_an_option_is_written_as_its_value_code_and_read_back_as_its_label() -> None:
    kind = KINDS["A"]

    assert kind.written("GU10", LAMP_BASE) == {"EtimValueCode": "EV000003"}
    assert kind.written("EV000042", LAMP_BASE) == {"EtimValueCode": "EV000042"}
    assert kind.written("B22", LAMP_BASE) is None
    assert kind.read({"EtimValueCode": "EV000002"}, LAMP_BASE) == "E14"
    assert kind.read({"EtimValueCode": "EV000099"}, LAMP_BASE) is None
    assert kind.field(LAMP_BASE).options == ("E27", "E14", "GU10")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ({"min": 220, "max": 240}, {"EtimValueRangeLower": "220", "EtimValueRangeUpper": "240"}),
        ({"min": -20, "max": 40.5}, {"EtimValueRangeLower": "-20", "EtimValueRangeUpper": "40.5"}),
        ({"min": 16, "max": None}, {"EtimValueRangeLower": "16"}),  # open above: no upper key
        ({"min": None, "max": 1 / 3}, {"EtimValueRangeUpper": "0.3333"}),
        ({"min": 1, "max": 10**13}, None),  # past 12 digits
        ({"min": None, "max": None}, None),
        (230, None),
    ],
)
def test_a_range_is_written_as_its_bounds_decimal_strings(
    value: Any, written: dict[str, str] | None
) -> None:
    assert KINDS["R"].written(value, VOLTAGE_V) == written


def test_a_range_is_a_range_field_in_its_unit_read_from_its_bounds() -> None:
    kind = KINDS["R"]
    field = kind.field(VOLTAGE_V)

    assert (field.type.value, field.unit) == ("range", "V")
    entry = {"EtimFeatureCode": VOLTAGE_RANGE, "EtimValueRangeLower": "220.5"}
    assert kind.read(entry, VOLTAGE_V) == {"min": 220.5, "max": None}
    entry["EtimValueRangeUpper"] = "240"
    assert kind.read(entry, VOLTAGE_V) == {"min": 220.5, "max": 240}
    assert kind.read({"EtimFeatureCode": VOLTAGE_RANGE}, VOLTAGE_V) is None


def test_a_logical_value_is_a_boolean() -> None:
    dimmable = FeatureDefinition(DIMMABLE, "L", "Dimmable")

    assert KINDS["L"].written(False, dimmable) == {"EtimValueLogical": False}
    assert KINDS["L"].written("no", dimmable) is None


def test_a_products_empty_features_are_those_with_no_value_anywhere_and_no_reason(
    tmp_path: Path,
) -> None:
    data = lamps()
    classes = data["Supplier"][0]["Product"][2]["EtimClassification"]
    classes[1]["EtimFeatures"][1]["EtimValueNumeric"] = "4.5"  # power given in release 10.0
    products = read_document(write_json(tmp_path / "lamps.json", data)).products

    assert products[1].empty() == [BASE, POWER, DIMMABLE, VOLTAGE_RANGE]
    assert products[2].empty() == [BASE]
    assert products[4].empty() == [BASE]  # DIMMABLE: ReasonNoValue NA
    assert products[0].empty() == [UNTYPED]
    assert products[2].class_codes == ("EC001959", "EC001959")


def test_a_description_is_its_texts_in_order_once_each(tmp_path: Path) -> None:
    data = lamps()
    description = data["Supplier"][0]["Product"][0]["ProductDetails"]["ProductDescriptions"][0]
    description["UniqueMainProductDescription"] = " LED lamp 8 W E27, dimmable "
    description["FullProductDescription"] = "A warm white lamp."
    product = read_document(write_json(tmp_path / "lamps.json", data)).products[0]

    assert product.descriptions == {"en-GB": "LED lamp 8 W E27, dimmable\nA warm white lamp."}


def test_a_numeric_value_that_is_no_number_names_its_record(tmp_path: Path) -> None:
    data = lamps()
    data["Supplier"][0]["Product"][0]["EtimClassification"][0]["EtimFeatures"][1][
        "EtimValueNumeric"
    ] = "8 W"
    path = write_json(tmp_path / "lamps.json", data)

    with pytest.raises(DataFileError) as raised:
        read_document(path)

    assert raised.value.record == "Supplier[0].Product[0].EtimClassification[0].EtimFeatures[1]"
    assert "EtimValueNumeric '8 W' is not a number" in str(raised.value)


def test_without_definitions_the_values_type_the_features(tmp_path: Path) -> None:
    document = read_document(write_json(tmp_path / "lamps.json", lamps()))
    inferred = inferred_definitions(document)

    mapping = feature_mapping(features_of(document), {}, inferred)

    assert {code: m.field.type.value for code, m in mapping.mapped.items()} == {
        BASE: "select",
        POWER: "number",
        DIMMABLE: "boolean",
        VOLTAGE_RANGE: "range",
    }
    assert mapping.mapped[BASE].field.options == ("EV000001",)
    assert mapping.mapped[VOLTAGE_RANGE].field.unit is None  # no features file: no unit
    assert "no type" in mapping.skipped[UNTYPED]


def test_an_a_feature_given_without_values_is_skipped() -> None:
    given = {BASE: FeatureDefinition(BASE, "A", "Lamp base")}

    mapping = feature_mapping([BASE], given, {})

    assert mapping.mapped == {}
    assert "without values" in mapping.skipped[BASE]


def test_a_value_the_file_cannot_hold_is_left_out_and_said(tmp_path: Path) -> None:
    document = read_document(write_json(tmp_path / "lamps.json", lamps()))
    mapping = feature_mapping([BASE, POWER], {BASE: LAMP_BASE, POWER: POWER_W}, {})
    said: list[str] = []
    output = XChangeWriteBack({"LW-2": document.products[1]}, mapping.mapped, said.append)
    outcomes = (
        FieldOutcome(BASE, "B22", OutcomeStatus.OK, review=False),  # no EV code
        FieldOutcome(POWER, 5, OutcomeStatus.OK, review=False),
    )

    output.write(EnrichedProduct("LW-2", LookupResult("mock", outcomes)))

    entries = document.data["Supplier"][0]["Product"][1]["EtimClassification"][0]["EtimFeatures"]
    assert entries[0] == {"EtimFeatureCode": BASE}
    assert entries[1] == {"EtimFeatureCode": POWER, "EtimValueNumeric": "5"}
    assert (output.tally.values_written, output.tally.values_not_written) == (1, 1)
    assert said == [
        "not written: product LW-2: EF000007 'B22' has no xChange form (no EV code in "
        "--features, or too many digits)"
    ]


def test_a_found_range_is_written_into_the_empty_entry_and_the_file_stays_valid(
    tmp_path: Path,
) -> None:
    document = read_document(write_json(tmp_path / "lamps.json", lamps()))
    mapping = feature_mapping([VOLTAGE_RANGE], {VOLTAGE_RANGE: VOLTAGE_V}, {})
    output = XChangeWriteBack({"LW-2": document.products[1]}, mapping.mapped, [].append)
    found = FieldOutcome(VOLTAGE_RANGE, {"min": 220, "max": 240.5}, OutcomeStatus.OK, review=False)

    output.write(EnrichedProduct("LW-2", LookupResult("mock", (found,))))

    entries = document.data["Supplier"][0]["Product"][1]["EtimClassification"][0]["EtimFeatures"]
    assert entries[3] == {
        "EtimFeatureCode": VOLTAGE_RANGE,
        "EtimValueRangeLower": "220",
        "EtimValueRangeUpper": "240.5",
    }
    assert output.tally.values_written == 1
    assert schema_errors(document.data) == []


def _with_feature(entry: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(lamps())
    data["Supplier"][0]["Product"][0]["EtimClassification"][0]["EtimFeatures"] = [entry]
    return data


@pytest.mark.parametrize(
    "entry",
    [
        {"EtimFeatureCode": POWER, "EtimValueNumeric": 4.5},
        {"EtimFeatureCode": POWER, "EtimValueNumeric": "12345678901234567"},
        {"EtimFeatureCode": BASE, "EtimValueCode": "EV000001", "EtimValueNumeric": "3"},
        {"EtimFeatureCode": DIMMABLE, "EtimValueLogical": True, "ReasonNoValue": "UN"},
        {"EtimFeatureCode": BASE, "EtimValueCode": "E27"},
        {"EtimFeatureCode": BASE, "Value": "E27"},
        {"EtimFeatureCode": VOLTAGE_RANGE, "EtimValueRangeLower": 220},
        {"EtimFeatureCode": VOLTAGE_RANGE, "EtimValueRangeUpper": "240", "EtimValueNumeric": "5"},
        {"EtimFeatureCode": VOLTAGE_RANGE, "EtimValueRangeUpper": "240", "ReasonNoValue": "UN"},
    ],
)
def test_the_xchange_structures_refuse_what_the_format_does_not_allow(
    entry: dict[str, Any],
) -> None:
    assert schema_errors(lamps()) == []
    assert schema_errors(_with_feature(entry)) != []
