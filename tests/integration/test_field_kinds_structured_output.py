"""The field kinds on the wire: a range asked of an OpenAI-compatible server as an object."""

from __future__ import annotations

from src.connectors.structured_output import structured_output_body
from src.domain.prompting.chain_of_thought.text_numbers import text_number_schema
from tests.unit.test_field_kinds import VOLTAGE


def test_an_openai_compatible_server_is_asked_for_a_range_as_an_object() -> None:
    narrowed = text_number_schema(VOLTAGE, "Entrée 100-240 V")
    schema = {"type": "object", "properties": {"value": narrowed}, "required": ["value"]}

    strict = structured_output_body("json_schema", schema)["response_format"]["json_schema"]

    assert strict["schema"]["properties"]["value"]["type"] == ["null", "object"]
    assert structured_output_body("vllm", schema)["structured_outputs"]["choice"] == [
        '{"value": {"min": 100, "max": 240}}',
        '{"value": null}',
    ]
