"""OpenAPI links: how the answer of one operation feeds the next, for clients and for
schemathesis's stateful run (a field listed is read, and looked up; the default LLM is asked)."""

from __future__ import annotations

from typing import Any

_LAMP = "Lampe incandescente forme Standard 60X103 12V 40W E27"
LINKS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("/api/fields", "get"): {
        "ReadTheFirstField": {
            "operationId": "field_api_fields__code__get",
            "parameters": {"code": "$response.body#/0/code"},
        },
        "LookUpTheFirstField": {
            "operationId": "lookup_api_product_fields_lookup_post",
            "requestBody": {"description": _LAMP, "fields": ["$response.body#/0/code"]},
        },
    },
    ("/api/llms", "get"): {
        "LookUpWithTheDefaultLLM": {
            "operationId": "lookup_api_product_fields_lookup_post",
            "requestBody": {
                "description": _LAMP,
                "llm": "$response.body#/default",
                "fields": ["EF000042"],
            },
        },
    },
}


def add_links(paths: dict[str, Any]) -> None:
    """Adds LINKS to the 200 answers of `paths` (the schema's), where their operations are."""
    for (path, method), links in LINKS.items():
        answer = paths.get(path, {}).get(method, {}).get("responses", {}).get("200")
        if answer is not None:
            answer.setdefault("links", {}).update(links)
