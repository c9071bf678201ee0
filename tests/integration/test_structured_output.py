"""How the answer schema is put to each dialect of OpenAI-compatible server."""

from __future__ import annotations

import json

from src.connectors.structured_output import (
    answer_choices,
    strict_schema,
    structured_output_body,
)
from src.domain.model import Field, FieldType
from src.domain.prompting.chain_of_thought.json_answer import answer_schema

CULOT = Field("EF000042", "culot", FieldType.SELECT, options=("E27", "borne à vis"))
REFERENCE = Field("EF000009", "référence fabricant", FieldType.TEXT)
POWER = Field("EF000035", "puissance", FieldType.NUMBER, unit="W")


def test_strict_mode_gets_an_explicit_type_beside_an_enum() -> None:
    value = strict_schema(answer_schema(CULOT))["properties"]["value"]

    assert value == {"enum": ["E27", "borne à vis", None], "type": ["null", "string"]}


def test_strict_mode_loses_the_length_keywords_it_refuses() -> None:
    strict = strict_schema(answer_schema(REFERENCE))

    assert strict["properties"]["value"] == {"type": ["string", "null"]}
    assert strict["required"] == ["value"] and strict["additionalProperties"] is False


def test_a_property_named_like_a_keyword_is_kept() -> None:
    schema = {"type": "object", "properties": {"maximum": {"type": "number", "maximum": 9}}}

    assert strict_schema(schema)["properties"] == {"maximum": {"type": "number"}}


def test_json_schema_dialect_is_strict_and_named() -> None:
    body = structured_output_body("json_schema", answer_schema(POWER))

    response_format = body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "answer"
    assert response_format["json_schema"]["strict"] is True


def test_json_object_dialect_carries_the_schema_as_it_is() -> None:
    schema = answer_schema(REFERENCE)

    body = structured_output_body("json_object", schema)

    assert body == {"response_format": {"type": "json_object", "schema": dict(schema)}}


def test_vllm_gets_whole_answers_as_choices_for_a_select() -> None:
    body = structured_output_body("vllm", answer_schema(CULOT))

    choices = body["structured_outputs"]["choice"]
    assert [json.loads(choice) for choice in choices] == [
        {"value": "E27"},
        {"value": "borne à vis"},
        {"value": None},
    ]


def test_vllm_gets_the_json_schema_for_other_fields() -> None:
    schema = answer_schema(POWER)

    body = structured_output_body("vllm", schema)

    assert body == {"structured_outputs": {"json": dict(schema)}}
    assert answer_choices(schema) is None


def test_no_schema_or_no_dialect_adds_nothing() -> None:
    assert structured_output_body("json_schema", None) == {}
    assert structured_output_body("none", answer_schema(CULOT)) == {}
