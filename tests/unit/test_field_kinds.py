"""The field kinds: ranges and several values read, described, located and matched."""

from __future__ import annotations

import pytest

from src.domain.evaluation.matching import item_counts, matches
from src.domain.evidence.locate import locate_evidence
from src.domain.model import Example, Field, FieldType, OutcomeStatus
from src.domain.model.kinds import ETIM_TYPES, KINDS, MAX_ITEMS, kind_of
from src.domain.model.values import coerce
from src.domain.prompting.chain_of_thought.json_answer import (
    answer_schema,
    describe_field,
    parse_answer,
)
from src.domain.prompting.chain_of_thought.text_numbers import text_number_schema
from src.domain.prompting.prepass import TextRulesPrepass

VOLTAGE = Field("EF000001", "Tension d'entrée", FieldType.RANGE, unit="V")
TEMPERATURE = Field("EF000002", "Température de fonctionnement", FieldType.RANGE, unit="°C")
SECTION = Field("EF000003", "Section du conducteur", FieldType.RANGE, unit="mm²")
CURRENT = Field("EF000004", "Courant", FieldType.RANGE, unit="A")
CERTIFICATIONS = Field(
    "EF000005", "Certifications", FieldType.SELECT, ("CE", "RoHS", "UL", "TÜV"), multiple=True
)
MATERIALS = Field("EF000006", "Matériaux", FieldType.TEXT, multiple=True)


@pytest.mark.parametrize(
    ("field", "written", "value"),
    [
        (VOLTAGE, "100-240V", {"min": 100, "max": 240}),
        (VOLTAGE, "100 – 240 V", {"min": 100, "max": 240}),
        (TEMPERATURE, "from −20 to +40 °C", {"min": -20, "max": 40}),
        (TEMPERATURE, "de -20 à +40 °C", {"min": -20, "max": 40}),
        (TEMPERATURE, "−20…+40 °C", {"min": -20, "max": 40}),
        (SECTION, "1,5 à 2,5 mm²", {"min": 1.5, "max": 2.5}),
        (CURRENT, "≥ 16 A", {"min": 16, "max": None}),
        (TEMPERATURE, "up to 40 °C", {"min": None, "max": 40}),
        (VOLTAGE, {"min": 100, "max": 240}, {"min": 100, "max": 240}),
        (VOLTAGE, {"min": None, "max": "240"}, {"min": None, "max": 240}),
        (VOLTAGE, '{"min": 100, "max": 240}', {"min": 100, "max": 240}),
        (VOLTAGE, [100, 240], {"min": 100, "max": 240}),
        (VOLTAGE, 230, {"min": 230, "max": 230}),
    ],
)
def test_a_range_is_read_from_the_forms_texts_write(field: Field, written: object, value: object):
    parsed = coerce(field, written)

    assert (parsed.status, parsed.value) == (OutcomeStatus.OK, value)


@pytest.mark.parametrize(
    "written",
    [{"min": 240, "max": 100}, {"min": "a lot", "max": 1}, {"low": 1}, "240-100 V", [1, 2, 3]],
)
def test_a_range_that_is_none_is_invalid(written: object) -> None:
    assert coerce(VOLTAGE, written).status is OutcomeStatus.INVALID_OUTPUT


def test_a_range_with_no_end_is_not_stated() -> None:
    assert coerce(VOLTAGE, {"min": None, "max": None}).status is OutcomeStatus.NOT_FOUND
    assert coerce(VOLTAGE, "non précisé").status is OutcomeStatus.NOT_FOUND


def test_a_reversed_range_says_which_end_is_wrong() -> None:
    reason = kind_of(VOLTAGE).why_invalid(VOLTAGE, {"min": 240, "max": 100})

    assert reason == "min 240 is above max 100"


def test_a_range_evidence_is_the_whole_range_as_written() -> None:
    text = "Alimentation 65 W, entrée 100 – 240 V~, 50/60 Hz; de -20 à +40 °C; 1,5 à 2,5 mm²."

    voltage = locate_evidence(VOLTAGE, text, {"min": 100, "max": 240})
    temperature = locate_evidence(TEMPERATURE, text, {"min": -20, "max": 40})
    section = locate_evidence(SECTION, text, {"min": 1.5, "max": 2.5})

    assert [s.text for s in voltage.spans] == ["100 – 240 V"] and voltage.verbatim
    assert [s.text for s in temperature.spans] == ["de -20 à +40 °C"]
    assert [s.text for s in section.spans] == ["1,5 à 2,5 mm²"]
    assert all(text[s.start : s.end] == s.text for s in voltage.spans + temperature.spans)


def test_a_range_written_in_another_unit_is_found_by_conversion() -> None:
    evidence = locate_evidence(VOLTAGE, "Entrée 0,1-0,24 kV", {"min": 100, "max": 240})

    assert [s.text for s in evidence.spans] == ["0,1-0,24 kV"] and not evidence.verbatim


def test_a_range_the_text_does_not_write_has_no_evidence() -> None:
    assert locate_evidence(VOLTAGE, "Entrée 110-220 V", {"min": 100, "max": 240}).spans == ()


def test_ranges_match_end_by_end_within_the_number_tolerance() -> None:
    assert matches(VOLTAGE, ("100-240 V",), {"min": 100, "max": 240})
    assert matches(VOLTAGE, ({"min": 100, "max": 240},), {"min": 100.01, "max": 240})
    assert not matches(VOLTAGE, ("100-240 V",), {"min": 100, "max": None})
    assert not matches(VOLTAGE, ("100-240 V",), 240)


def test_a_range_is_asked_as_an_object_of_two_ends() -> None:
    value = answer_schema(VOLTAGE)["properties"]["value"]

    assert {"type": "null"} in value["anyOf"]
    assert "in V" in describe_field(VOLTAGE)
    assert parse_answer(VOLTAGE, '{"value": {"min": 100, "max": 240}}').value == {
        "min": 100,
        "max": 240,
    }


def test_several_options_are_a_list_of_options_without_repeats() -> None:
    parsed = coerce(CERTIFICATIONS, ["ce", "RoHS", "CE"])

    assert (parsed.status, parsed.value) == (OutcomeStatus.OK, ["CE", "RoHS"])
    assert coerce(CERTIFICATIONS, "tüv").value == ["TÜV"]
    assert coerce(CERTIFICATIONS, []).status is OutcomeStatus.NOT_FOUND


def test_an_option_not_in_the_list_makes_the_whole_answer_invalid() -> None:
    assert coerce(CERTIFICATIONS, ["CE", "FCC"]).status is OutcomeStatus.INVALID_OUTPUT
    reason = kind_of(CERTIFICATIONS).why_invalid(CERTIFICATIONS, ["CE", "FCC"])
    assert reason == "'FCC' is not one of ['CE', 'RoHS', 'UL', 'TÜV']"


def test_a_list_over_the_limit_is_invalid() -> None:
    too_many = [f"matière {n}" for n in range(MAX_ITEMS + 1)]

    assert coerce(MATERIALS, too_many).status is OutcomeStatus.INVALID_OUTPUT
    assert coerce(MATERIALS, too_many[:MAX_ITEMS]).status is OutcomeStatus.OK
    assert f"at most {MAX_ITEMS}" in kind_of(MATERIALS).why_invalid(MATERIALS, too_many)


def test_several_values_are_asked_as_a_list_of_the_kind() -> None:
    value = answer_schema(CERTIFICATIONS)["properties"]["value"]

    assert value == {
        "anyOf": [
            {"type": "array", "items": {"enum": ["CE", "RoHS", "UL", "TÜV"]}, "maxItems": 4},
            {"type": "null"},
        ]
    }
    assert parse_answer(CERTIFICATIONS, '{"value": ["UL", "CE"]}').value == ["UL", "CE"]
    assert parse_answer(Field("c", "Culot", FieldType.SELECT, ("E27",)), '["E27"]').value is None


def test_several_values_have_every_item_evidence() -> None:
    evidence = locate_evidence(CERTIFICATIONS, "Certifié CE, conforme RoHS.", ["CE", "RoHS"])

    assert [s.text for s in evidence.spans] == ["CE", "RoHS"] and evidence.verbatim


def test_lists_match_as_sets_and_count_their_items() -> None:
    accepted = (["CE", "RoHS"], ["CE"])

    assert matches(CERTIFICATIONS, accepted, ["RoHS", "CE"])
    assert matches(CERTIFICATIONS, accepted, ["CE"])
    assert not matches(CERTIFICATIONS, accepted, ["CE", "UL"])
    assert item_counts(CERTIFICATIONS, accepted, ["CE", "UL"]) == (1, 2, 2)
    assert matches(MATERIALS, (["Acier inoxydable", "Verre"],), ["verre", "acier-inoxydable"])


def test_the_prepass_reads_no_list_and_no_range() -> None:
    text = "Certifié CE. Entrée 100-240 V."

    assert TextRulesPrepass().answer(CERTIFICATIONS, text) is None
    assert TextRulesPrepass().answer(VOLTAGE, text) is None


def test_etim_types_map_to_kinds_and_every_type_has_a_kind() -> None:
    assert {code: t.value for code, t in ETIM_TYPES.items()} == {
        "A": "select",
        "N": "number",
        "L": "boolean",
        "R": "range",
    }
    assert set(KINDS) == set(FieldType)


def test_a_number_or_boolean_field_never_holds_a_list() -> None:
    number = Field("n", "Puissance", FieldType.NUMBER, unit="W", multiple=True)

    assert coerce(number, [40, 60]).status is OutcomeStatus.INVALID_OUTPUT
    assert coerce(number, 40).value == 40


def test_a_range_is_held_to_the_ranges_its_text_writes_in_its_unit() -> None:
    text = "Entrée 100-240 V~, 50/60 Hz, sortie 19 V; de 0 à +40 °C; 0,1-0,2 kV"

    assert text_number_schema(VOLTAGE, text) == {
        "enum": [{"min": 100, "max": 240}, {"min": 100, "max": 200}, None]
    }
    assert text_number_schema(TEMPERATURE, text) == {"enum": [{"min": 0, "max": 40}, None]}
    assert text_number_schema(VOLTAGE, "Lampe 40 W") is None


def test_several_options_are_held_to_those_the_text_names() -> None:
    narrowed = text_number_schema(CERTIFICATIONS, "Certifié CE et RoHS, boîtier UL94 V-0.")

    assert narrowed == {
        "anyOf": [
            {"type": "array", "items": {"enum": ["CE", "RoHS"]}, "maxItems": 2},
            {"type": "null"},
        ]
    }
    assert text_number_schema(CERTIFICATIONS, "Certifié conforme") is None
    single = Field("c", "Culot", FieldType.SELECT, ("E27", "E14"))
    assert text_number_schema(single, "Ampoule E27") is None  # one option: left to the model


def test_an_example_with_a_range_or_a_list_is_hashable_by_its_value() -> None:
    first = Example("EF1", "x", {"min": 1, "max": 2})

    assert hash(first) == hash(Example("EF1", "x", {"min": 1, "max": 2}))
    assert len({first, Example("EF1", "x", ["CE"]), Example("EF1", "x", ["CE"])}) == 2
