"""What each field kind tells: the model (its one-line instruction, its summary in a list of
attributes), the connectors (the JSON schema of a value, which they turn into a grammar or a
structured-output schema), a person (why an answer is no value), a CSV cell and provisioning."""

from __future__ import annotations

from typing import Any

import pytest

from src.domain.model import Field, FieldType, Value
from src.domain.model.kinds import KINDS, MAX_ITEMS, SeveralKind, kind_of, value_cell

POWER = Field("EF000001", "Puissance", FieldType.NUMBER, unit="W")
COUNT = Field("EF000002", "Nombre de lampes", FieldType.NUMBER)
SOCKET = Field("EF000003", "Culot", FieldType.SELECT, options=("E27", "E14"))
BRAND = Field("EF000004", "Marque", FieldType.TEXT)
DIMMABLE = Field("EF000005", "Dimmable", FieldType.BOOLEAN)
VOLTAGE = Field("EF000006", "Tension", FieldType.RANGE, unit="V")
SPAN = Field("EF000007", "Plage", FieldType.RANGE)
CERTIFICATIONS = Field(
    "EF000008", "Certifications", FieldType.SELECT, ("CE", "RoHS"), multiple=True
)
MATERIALS = Field("EF000009", "Matériaux", FieldType.TEXT, multiple=True)

KIND_IDS = [
    "number",
    "number-without-unit",
    "select",
    "text",
    "boolean",
    "range",
    "range-without-unit",
    "list-of-options",
    "list-of-texts",
]
"""ASCII test ids: mutmut hands them back to pytest, which cannot find escaped ones."""

NULLABLE_RANGE = {
    "anyOf": [
        {
            "type": "object",
            "properties": {
                "min": {"type": ["number", "null"]},
                "max": {"type": ["number", "null"]},
            },
            "required": ["min", "max"],
            "additionalProperties": False,
        },
        {"type": "null"},
    ]
}


@pytest.mark.parametrize(
    ("field", "instruction", "summary"),
    [
        (POWER, "Answer a number in W, without the unit.", "a number in W"),
        (COUNT, "Answer a number, without the unit.", "a number"),
        (SOCKET, "Answer exactly one of: E27 | E14", "one of E27 | E14"),
        (BRAND, "Answer a short text.", "a short text"),
        (DIMMABLE, "Answer true or false.", "true or false"),
        (
            VOLTAGE,
            'Answer the range as {"min": lowest, "max": highest} in V, numbers without the unit; '
            "null for an open end.",
            'a range {"min", "max"} in V',
        ),
        (
            SPAN,
            'Answer the range as {"min": lowest, "max": highest}, numbers without the unit; '
            "null for an open end.",
            'a range {"min", "max"}',
        ),
        (
            CERTIFICATIONS,
            "Answer a JSON list of every value the text gives, each one of CE | RoHS.",
            "a list, each one of CE | RoHS",
        ),
        (
            MATERIALS,
            "Answer a JSON list of every value the text gives, each a short text.",
            "a list, each a short text",
        ),
    ],
    ids=KIND_IDS,
)
def test_each_kind_tells_the_model_what_to_answer(
    field: Field, instruction: str, summary: str
) -> None:
    kind = kind_of(field)

    assert (kind.instruction(field), kind.summary(field)) == (instruction, summary)


@pytest.mark.parametrize(
    ("field", "schema"),
    [
        (POWER, {"type": ["number", "null"]}),
        (SOCKET, {"enum": ["E27", "E14", None]}),
        (BRAND, {"type": ["string", "null"], "maxLength": 200}),
        (DIMMABLE, {"type": ["boolean", "null"]}),
        (VOLTAGE, NULLABLE_RANGE),
        (SPAN, NULLABLE_RANGE),
        (
            CERTIFICATIONS,
            {
                "anyOf": [
                    {"type": "array", "items": {"enum": ["CE", "RoHS"]}, "maxItems": 2},
                    {"type": "null"},
                ]
            },
        ),
        (
            MATERIALS,  # no null item, no length per item (the grammar would grow with both)
            {
                "anyOf": [
                    {"type": "array", "items": {"type": "string"}, "maxItems": MAX_ITEMS},
                    {"type": "null"},
                ]
            },
        ),
    ],
    ids=[i for i in KIND_IDS if i != "number-without-unit"],
)
def test_each_kind_gives_the_schema_of_its_values_null_included(
    field: Field, schema: dict[str, Any]
) -> None:
    assert kind_of(field).value_schema(field) == schema


def test_a_list_of_many_options_holds_at_most_the_item_limit() -> None:
    colours = Field(
        "EF1", "Couleurs", FieldType.SELECT, tuple(f"c{n}" for n in range(25)), multiple=True
    )

    listed = kind_of(colours).value_schema(colours)["anyOf"][0]

    assert (listed["maxItems"], len(listed["items"]["enum"])) == (MAX_ITEMS, 25)


def test_a_list_kind_is_named_after_its_item_and_holds_structured_values() -> None:
    several = SeveralKind(KINDS[FieldType.TEXT])

    assert (several.name, several.structured, several.item) == ("text", True, KINDS[FieldType.TEXT])
    assert several.coerce(MATERIALS, "Verre").value == ["Verre"]


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ({"min": 240, "max": 100}, "min 240 is above max 100"),
        ({"min": "240 V", "max": "100"}, "min 240 is above max 100"),
        (
            {"min": 5, "max": 5, "unit": "V"},  # equal ends, but a key too many
            "{'min': 5, 'max': 5, 'unit': 'V'} is not a range: {\"min\": number or null, "
            '"max": number or null}, min at most max',
        ),
        (
            {"min": "a lot", "max": 1},
            "{'min': 'a lot', 'max': 1} is not a range: {\"min\": number or null, "
            '"max": number or null}, min at most max',
        ),
    ],
)
def test_an_invalid_range_says_why(answer: object, why: str) -> None:
    assert kind_of(VOLTAGE).why_invalid(VOLTAGE, answer) == why


def test_an_invalid_list_says_which_item_is_wrong_or_that_it_is_too_long() -> None:
    kind = kind_of(MATERIALS)

    assert kind.why_invalid(MATERIALS, ["Verre", {"x": 1}]) == "{'x': 1} is not a text value"
    at_the_limit = ["Verre"] * (MAX_ITEMS - 1) + [{"x": 1}]
    assert kind.why_invalid(MATERIALS, at_the_limit) == "{'x': 1} is not a text value"
    over = ["Verre"] * (MAX_ITEMS + 1)
    assert (
        kind.why_invalid(MATERIALS, over)
        == f"{MAX_ITEMS + 1} values; at most {MAX_ITEMS} are accepted"
    )
    assert kind.why_invalid(MATERIALS, "Verre") == "'Verre' is not a list of text values"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (40, "40"),
        (3493.8, "3493.8"),
        ("Acier inoxydable", "Acier inoxydable"),
        ({"min": 100, "max": None}, '{"min": 100, "max": null}'),
        (["CE", "TÜV"], '["CE", "TÜV"]'),
    ],
    ids=["none", "true", "false", "int", "float", "text", "range", "list"],
)
def test_a_value_is_written_in_a_csv_cell_as_coerce_reads_it_back(value: Value, cell: str) -> None:
    assert value_cell(value) == cell
    assert KINDS[FieldType.TEXT].cell(value) == cell


def test_a_select_without_options_cannot_be_provisioned_alone_or_as_a_list() -> None:
    bare = Field("EF1", "Culot", FieldType.SELECT)
    several = Field("EF1", "Culots", FieldType.SELECT, multiple=True)

    assert kind_of(bare).provisioning_defect(bare) == "a select field needs options"
    assert kind_of(several).provisioning_defect(several) == "a select field needs options"
    assert kind_of(SOCKET).provisioning_defect(SOCKET) is None
    assert kind_of(CERTIFICATIONS).provisioning_defect(CERTIFICATIONS) is None
