"""How an OpenAI-compatible server is asked to hold its answer to a JSON schema.

Servers disagree on the request field, so the connector is told which dialect its server speaks:

    json_schema  `response_format={"type": "json_schema", …, "strict": true}`: OpenAI, Azure OpenAI,
                 vLLM, llama.cpp's C++ `llama-server`, Ollama
    json_object  `response_format={"type": "json_object", "schema": …}`: llama-cpp-python's
                 `python -m llama_cpp.server` (which rejects `json_schema`), and `llama-server`
    vllm         vLLM's own `structured_outputs` (`choice` for a select, `json` otherwise; the
                 field was `guided_choice` / `guided_json` before vLLM 0.12)
    none         nothing: the answer is read leniently from plain text
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal, get_args

StructuredOutput = Literal["json_schema", "json_object", "vllm", "none"]
STRUCTURED_OUTPUTS: tuple[StructuredOutput, ...] = get_args(StructuredOutput)

# Keywords that OpenAI's strict mode refuses, and that only narrow what a lenient parser reads.
_NOT_IN_STRICT_MODE = frozenset({"maxLength", "minLength", "minimum", "maximum", "default"})


def structured_output_body(
    dialect: StructuredOutput, schema: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The fields of a chat-completion request body that constrain the answer to `schema`."""
    if schema is None or dialect == "none":
        return {}
    if dialect == "json_schema":
        strict = strict_schema(schema)
        return {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": strict, "strict": True},
            }
        }
    if dialect == "json_object":
        return {"response_format": {"type": "json_object", "schema": dict(schema)}}
    choices = answer_choices(schema)
    rule: dict[str, Any] = {"choice": choices} if choices else {"json": dict(schema)}
    return {"structured_outputs": rule}


def answer_choices(schema: Mapping[str, Any]) -> list[str] | None:
    """For an answer `{"value": one of an enum}`, every whole answer as JSON text (null too, so
    that the model can still say the text does not state it); None for any other schema."""
    properties = schema.get("properties", {})
    value = properties.get("value", {}) if set(properties) == {"value"} else {}
    if "enum" not in value:
        return None
    return [json.dumps({"value": option}, ensure_ascii=False) for option in value["enum"]]


def strict_schema(schema: Any) -> Any:
    """The schema within the subset that OpenAI's strict mode accepts: no length or range
    keywords, and an explicit `type` beside every `enum`."""
    if isinstance(schema, list):
        return [strict_schema(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    strict: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":  # names, not keywords: keep them all
            strict[key] = {name: strict_schema(sub) for name, sub in value.items()}
        elif key not in _NOT_IN_STRICT_MODE:
            strict[key] = strict_schema(value)
    if "enum" in strict and "type" not in strict:
        strict["type"] = sorted({_json_type(option) for option in strict["enum"]})
    return strict


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"
