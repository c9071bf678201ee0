"""The field kinds' rules at their edges: the ranges a text writes (units, signs, equal and
open ends), a range's evidence when the text writes only its ends, lists read from JSON texts,
and what matches what (open ends, a list against a single value, numbers near zero)."""

from __future__ import annotations

import pytest

from src.domain.evidence.locate import locate_evidence
from src.domain.model import Field, FieldType, OutcomeStatus, Value
from src.domain.model.kinds import SeveralKind, kind_of
from src.domain.model.values import coerce
from src.domain.prompting.chain_of_thought.text_numbers import text_number_schema

VOLTAGE = Field("EF000001", "Tension", FieldType.RANGE, unit="V")
HIGH_VOLTAGE = Field("EF000002", "Tension", FieldType.RANGE, unit="kV")
CURRENT = Field("EF000003", "Courant", FieldType.RANGE, unit="A")
TEMPERATURE = Field("EF000004", "Température", FieldType.RANGE, unit="°C")
SECTION = Field("EF000005", "Section", FieldType.RANGE, unit="mm²")
VOLUME = Field("EF000006", "Volume", FieldType.RANGE, unit="m³")
SPAN = Field("EF000007", "Plage", FieldType.RANGE)
POWER = Field("EF000008", "Puissance", FieldType.NUMBER, unit="W")
CERTIFICATIONS = Field(
    "EF000009", "Certifications", FieldType.SELECT, ("CE", "RoHS", "UL"), multiple=True
)
MATERIALS = Field("EF000010", "Matériaux", FieldType.TEXT, multiple=True)
LAMPS = Field("EF000011", "Lampes", FieldType.SELECT, ("12", "24"), multiple=True)


@pytest.mark.parametrize(
    ("field", "text", "ranges"),
    [
        (VOLTAGE, "Entrée 230-230 V", [{"min": 230, "max": 230}]),  # equal ends
        (VOLTAGE, "Plage 100-240, 50 Hz", [{"min": 100, "max": 240}]),  # no unit written
        (SPAN, "Plage 10-20 mm", [{"min": 10, "max": 20}]),  # a field without a unit
        (HIGH_VOLTAGE, "Entrée 100 V à 240", [{"min": 0.1, "max": 0.24}]),  # the low end's unit
        (HIGH_VOLTAGE, "Tension ≥ 16 V", [{"min": 0.016, "max": None}]),  # open, converted
        (TEMPERATURE, "de - 20 à + 40 ° C", [{"min": -20, "max": 40}]),  # spaced sign and unit
        (TEMPERATURE, "de -20\u00a0à +40\u00a0° C", [{"min": -20, "max": 40}]),
        (SECTION, "Section 1,5 à 2,5 mm2", [{"min": 1.5, "max": 2.5}]),  # mm2 is mm²
        (VOLUME, "Volume 1 à 2 m3", [{"min": 1, "max": 2}]),  # m3 is m³
        (VOLTAGE, "Entrée 240-100 V", []),  # reversed: no range
    ],
    ids=[
        "equal-ends",
        "no-unit-written",
        "field-without-unit",
        "unit-of-the-low-end",
        "open-converted",
        "spaced-sign-and-unit",
        "non-breaking-spaces",
        "mm2",
        "m3",
        "reversed",
    ],
)
def test_a_range_field_is_held_to_the_ranges_its_text_writes(
    field: Field, text: str, ranges: list[Value]
) -> None:
    assert text_number_schema(field, text) == ({"enum": [*ranges, None]} if ranges else None)


def test_a_text_that_writes_more_than_a_range_is_not_read_as_one() -> None:
    assert coerce(VOLTAGE, "100-240 V, 50 Hz").status is OutcomeStatus.INVALID_OUTPUT
    assert coerce(VOLTAGE, "100-240 V").value == {"min": 100, "max": 240}


def test_a_range_answered_as_a_json_pair_in_a_text_is_read() -> None:
    assert coerce(VOLTAGE, "[100, 240]").value == {"min": 100, "max": 240}


@pytest.mark.parametrize(
    ("field", "text", "value", "spans"),
    [
        # the text writes the ends apart: each is found as a number in the field's unit
        (
            VOLTAGE,
            "Tension minimale 100 V, maximale 240 V",
            {"min": 100, "max": 240},
            ["100 V", "240 V"],
        ),
        (CURRENT, "Courant nominal 16 A", {"min": 16, "max": None}, ["16 A"]),
        (CURRENT, "Courant nominal 16000 mA", {"min": 16, "max": None}, ["16000 mA"]),
        # a written range with one other end is not this range
        (VOLTAGE, "Entrée 100-240 V", {"min": None, "max": 240}, ["240"]),
        (CURRENT, "Courant ≥ 16 A", {"min": 16, "max": 32}, ["16 A"]),
    ],
    ids=["both-ends-apart", "open-end-alone", "end-converted", "other-low-end", "other-high-end"],
)
def test_a_range_the_text_writes_only_by_its_ends_has_their_evidence_not_verbatim(
    field: Field, text: str, value: Value, spans: list[str]
) -> None:
    evidence = locate_evidence(field, text, value)

    assert ([s.text for s in evidence.spans], evidence.verbatim) == (spans, False)


def test_open_ranges_match_only_with_the_same_open_end() -> None:
    kind = kind_of(CURRENT)
    at_least_16: Value = {"min": 16, "max": None}

    assert kind.same(CURRENT, at_least_16, {"min": 16, "max": None})
    assert not kind.same(CURRENT, at_least_16, {"min": 16, "max": 20})
    assert not kind.same(CURRENT, {"min": 10, "max": 20}, {"min": 12, "max": 20})


@pytest.mark.parametrize(
    ("answer", "status", "value"),
    [
        ('["Acier", "Verre"]', OutcomeStatus.OK, ["Acier", "Verre"]),  # a JSON list as text
        ('{"value": "Acier"}', OutcomeStatus.INVALID_OUTPUT, None),  # an object is no list
        ('["Acier", "Ver', OutcomeStatus.OK, ["Acier"]),  # cut short: the items written whole
        (["Verre", 12], OutcomeStatus.OK, ["Verre", "12"]),  # a number among texts
    ],
    ids=["json-list", "json-object", "cut-short", "number-item"],
)
def test_a_list_is_read_from_json_text_and_its_items_by_their_kind(
    answer: object, status: OutcomeStatus, value: Value
) -> None:
    parsed = coerce(MATERIALS, answer)

    assert (parsed.status, parsed.value) == (status, value)


def test_an_option_answered_as_a_number_is_read_in_a_list() -> None:
    assert coerce(LAMPS, [12, " 24 "]).value == ["12", "24"]


def test_a_list_is_verbatim_only_when_every_item_is() -> None:
    evidence = locate_evidence(CERTIFICATIONS, "Certifié CE, conforme rohs.", ["CE", "RoHS"])

    assert [s.text for s in evidence.spans] == ["CE", "rohs"]
    assert not evidence.verbatim


def test_a_list_and_a_single_value_never_match() -> None:
    kind = kind_of(MATERIALS)
    assert isinstance(kind, SeveralKind)

    assert not kind.same(MATERIALS, ["Verre"], "Verre")
    assert not kind.same(MATERIALS, "ab", ["a", "b"])
    assert kind.item_matches(MATERIALS, ["Verre"], "Verre") == 0
    assert kind.item_matches(MATERIALS, ["a", "b"], "ab") == 0


@pytest.mark.parametrize(
    ("expected", "predicted", "same"),
    [
        (2, 2.001, True),  # within 0.1 %
        (2, 2.5, False),  # within 1, but 25 % off
        (0, 0.5, False),
        (True, 1, False),  # a boolean is no number
        ("forty", 40, False),
    ],
)
def test_numbers_match_within_a_thousandth_of_themselves(
    expected: Value, predicted: Value, same: bool
) -> None:
    assert kind_of(POWER).same(POWER, expected, predicted) is same
