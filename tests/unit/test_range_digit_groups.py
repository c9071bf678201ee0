"""A range written with thousands in groups ("1 000 – 2 000 W", "1,000-2,000 W") read as its
numbers, not as the digits around a separator; decimals that are no groups ("1,5 à 2,5 mm²",
"0,125 à 0,250 mm") left as decimals; and a range end's evidence only where the text writes it
in the field's unit, or in one converting to it, never an equal number in another unit."""

from __future__ import annotations

import pytest

from src.domain.evidence.locate import locate_evidence
from src.domain.model import Field, FieldType, Value
from src.domain.model.values import coerce
from src.domain.prompting.chain_of_thought.text_numbers import text_number_schema

POWER = Field("EF000001", "Puissance", FieldType.RANGE, unit="W")
KILOWATTS = Field("EF000002", "Puissance", FieldType.RANGE, unit="kW")
SECTION = Field("EF000003", "Section", FieldType.RANGE, unit="mm²")
DIAMETER = Field("EF000004", "Diamètre", FieldType.RANGE, unit="mm")
VOLTAGE = Field("EF000005", "Tension", FieldType.RANGE, unit="V")
CURRENT = Field("EF000006", "Courant", FieldType.RANGE, unit="A")

NNBSP = "\u202f"
NBSP = "\u00a0"

GROUPED = [
    (POWER, "Puissance 1 000 – 2 000 W", "1 000 – 2 000 W", {"min": 1000, "max": 2000}),
    (
        POWER,
        f"Puissance 1{NNBSP}000{NNBSP}–{NNBSP}2{NNBSP}000{NNBSP}W",
        f"1{NNBSP}000{NNBSP}–{NNBSP}2{NNBSP}000{NNBSP}W",
        {"min": 1000, "max": 2000},
    ),
    (
        POWER,
        f"Puissance de 1{NBSP}500 à 12{NBSP}000{NBSP}W",
        f"de 1{NBSP}500 à 12{NBSP}000{NBSP}W",
        {"min": 1500, "max": 12000},
    ),
    (POWER, "Power 1,000-2,000 W", "1,000-2,000 W", {"min": 1000, "max": 2000}),
    (POWER, "Power from 1,500 to 12,000 W", "from 1,500 to 12,000 W", {"min": 1500, "max": 12000}),
    (POWER, "Power 1,000.5-2,000 W", "1,000.5-2,000 W", {"min": 1000.5, "max": 2000}),
    (
        POWER,
        "Puissance 1 000 000-2 000 000 W",
        "1 000 000-2 000 000 W",
        {"min": 10**6, "max": 2 * 10**6},
    ),
    (POWER, "Puissance de 10 à 20 000 W", "de 10 à 20 000 W", {"min": 10, "max": 20000}),
    (POWER, f"Puissance ≥ 1{NNBSP}000 W", f"≥ 1{NNBSP}000 W", {"min": 1000, "max": None}),
    (POWER, "Power up to 2,000 W", "up to 2,000 W", {"min": None, "max": 2000}),
    (KILOWATTS, "Puissance 1 000 – 2 000 W", "1 000 – 2 000 W", {"min": 1, "max": 2}),
]
GROUPED_IDS = [
    "spaces",
    "narrow-no-break-spaces",
    "no-break-spaces",
    "commas",
    "commas-from-to",
    "commas-and-a-decimal-point",
    "millions",
    "only-the-high-end",
    "open-low-end",
    "open-high-end",
    "converted",
]


@pytest.mark.parametrize(("field", "text", "written", "value"), GROUPED, ids=GROUPED_IDS)
def test_a_range_written_in_digit_groups_holds_the_answer_to_its_numbers(
    field: Field, text: str, written: str, value: Value
) -> None:
    assert text_number_schema(field, text) == {"enum": [value, None]}


@pytest.mark.parametrize(("field", "text", "written", "value"), GROUPED, ids=GROUPED_IDS)
def test_a_range_written_in_digit_groups_has_the_whole_range_as_evidence(
    field: Field, text: str, written: str, value: Value
) -> None:
    evidence = locate_evidence(field, text, value)

    assert [s.text for s in evidence.spans] == [written]
    assert evidence.verbatim is (field is not KILOWATTS)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 000 – 2 000 W", {"min": 1000, "max": 2000}),
        ("1,000-2,000 W", {"min": 1000, "max": 2000}),
        (f"≥ 1{NNBSP}000 W", {"min": 1000, "max": None}),
    ],
    ids=["spaces", "commas", "open"],
)
def test_an_answer_written_in_digit_groups_is_read_as_its_numbers(text: str, value: Value) -> None:
    assert coerce(POWER, text).value == value


@pytest.mark.parametrize(
    ("field", "text", "ranges"),
    [
        (SECTION, "Section 1,5 à 2,5 mm²", [{"min": 1.5, "max": 2.5}]),
        (DIAMETER, "Diamètre 0,125 à 0,250 mm", [{"min": 0.125, "max": 0.25}]),
        (VOLTAGE, "Entrée 100-240 V", [{"min": 100, "max": 240}]),
        (VOLTAGE, "Entrée 100 – 240 V", [{"min": 100, "max": 240}]),
        (VOLTAGE, "Entrée 100,240 V", []),  # one number, not two
        (SECTION, "Câble 2 x 1,5 mm²", []),  # two conductors of 1,5 mm²: no range
        (DIAMETER, "Diamètre 1 0000-2 mm", []),  # four digits after a space are no group
    ],
    ids=[
        "french-decimals",
        "french-decimals-of-three-digits-after-zero",
        "dash",
        "spaced-dash",
        "comma-between-digits",
        "conductors",
        "four-digits",
    ],
)
def test_digits_that_are_no_groups_are_read_as_before(
    field: Field, text: str, ranges: list[Value]
) -> None:
    assert text_number_schema(field, text) == ({"enum": [*ranges, None]} if ranges else None)


@pytest.mark.parametrize(
    ("field", "text", "value", "spans"),
    [
        (CURRENT, "Courant 16 W, nominal 16 A", {"min": 16, "max": None}, ["16 A"]),
        (CURRENT, "Courant 16 W, nominal 16000 mA", {"min": 16, "max": None}, ["16000 mA"]),
        (CURRENT, "Courant 16 W, nominal 32 A", {"min": 16, "max": 32}, ["32 A"]),
        (CURRENT, "Courant 16 W", {"min": 16, "max": None}, []),
        (CURRENT, "Courant 16 W, réf. X16", {"min": 16, "max": None}, []),  # a code's digits
        (CURRENT, "Puissance ≥ 16 W", {"min": 16, "max": None}, []),
        (VOLTAGE, "Entrée 100-240 W", {"min": None, "max": 240}, []),
        (VOLTAGE, "Entrée 100-240 V", {"min": None, "max": 240}, ["240"]),
        (VOLTAGE, "Entrée 0,1-0,24 kV", {"min": None, "max": 240}, ["0,24"]),
    ],
    ids=[
        "other-unit-beside-the-field-unit",
        "other-unit-beside-a-converting-unit",
        "one-end-in-another-unit",
        "only-another-unit",
        "digits-of-a-code",
        "open-range-in-another-unit",
        "end-of-a-range-in-another-unit",
        "end-of-a-range-in-the-field-unit",
        "end-of-a-range-in-a-converting-unit",
    ],
)
def test_a_range_end_has_evidence_only_in_the_field_unit(
    field: Field, text: str, value: Value, spans: list[str]
) -> None:
    evidence = locate_evidence(field, text, value)

    assert ([s.text for s in evidence.spans], evidence.verbatim) == (spans, False)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Puissance 100-240 W", []),
        ("Entrée 100-240", ["100-240"]),  # no unit written: taken as the field's
        ("Entrée 100-240 VAC", ["100-240 VAC"]),  # the field's unit written another way
    ],
    ids=["another-unit", "no-unit", "the-unit-written-another-way"],
)
def test_a_whole_range_is_evidence_only_in_the_field_unit(text: str, spans: list[str]) -> None:
    evidence = locate_evidence(VOLTAGE, text, {"min": 100, "max": 240})

    assert ([s.text for s in evidence.spans], evidence.verbatim) == (spans, bool(spans))


def test_a_range_in_the_field_unit_written_another_way_holds_the_answer() -> None:
    assert text_number_schema(VOLTAGE, "Entrée 100-240 VAC") == {
        "enum": [{"min": 100, "max": 240}, None]
    }
