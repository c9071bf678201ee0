"""The OpenAPI schema says what the protections do: the bearer key on `/api/…`, the answers
every such operation may give besides its own (401, 413, 422, 429, 503; 403 where a role above
`lookup` is needed), the input limits, and the LLM names a lookup accepts (the configured
ones)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from config.settings import Settings
from src.adapters.driving.http.openapi_links import add_links
from src.adapters.driving.http.review_openapi import document_review_fields
from src.adapters.driving.http.route_roles import ROUTE_ROLES
from src.adapters.driving.http.security import OPEN_ROUTES
from src.domain.access.roles import Role

SCHEME = "apiKey"
_MESSAGE_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "title": "Detail"}},
    "required": ["detail"],
    "title": "MessageOut",
}
_JSON_MESSAGE = {"application/json": {"schema": {"$ref": "#/components/schemas/MessageOut"}}}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    }
}


def document_protections(app: FastAPI, settings: Settings) -> None:
    """Extends `app`'s generated schema, once, when it is first asked for."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            _extend(schema, settings, app.state.container.llms.names())
            document_review_fields(schema, app.state.container.fields)
        assert app.openapi_schema is not None
        return app.openapi_schema

    # FastAPI's documented way to extend the schema; mypy refuses assigning to a method.
    app.openapi = openapi  # type: ignore[method-assign]


def _answers(settings: Settings, with_body: bool) -> dict[str, dict[str, Any]]:
    answers = {
        "401": _answer("No API key, or a wrong or revoked one (needed once any key exists)"),
        "429": _answer("Over RATE_LIMIT_PER_MINUTE for this key (or address)", _RETRY_AFTER),
        "503": _answer("The database (or the rate limit's store) is unavailable"),
    }
    if with_body:
        too_large = _answer(f"The body is over MAX_BODY_BYTES ({settings.max_body_bytes} bytes)")
        # Starlette answers in plain text when Content-Length announced the size.
        too_large["content"]["text/plain"] = {"schema": {"type": "string"}}
        answers["413"] = too_large
        answers["422"] = _answer("Malformed JSON, or a body that is not valid")
    return answers


def _answer(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description, "content": dict(_JSON_MESSAGE)}
    if headers:
        answer["headers"] = headers
    return answer


def _extend(schema: dict[str, Any], settings: Settings, llm_names: list[str]) -> None:
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})[SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": "A key made with `python cli.py keys create NAME`; "
        "needed once any key exists.",
    }
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("MessageOut", _MESSAGE_SCHEMA)
    for path, operations in schema.get("paths", {}).items():
        if path in OPEN_ROUTES:
            continue
        for method, operation in operations.items():
            operation["security"] = [{SCHEME: []}]
            responses = operation.setdefault("responses", {})
            role = ROUTE_ROLES.get((method.upper(), path), Role.ADMIN)
            if role is not Role.LOOKUP:
                responses.setdefault(
                    "403", _answer(f"The key's role is below `{role.value}`, which this needs")
                )
            for status, answer in _answers(settings, "requestBody" in operation).items():
                if status not in responses:
                    responses[status] = answer
                elif "headers" in answer:
                    responses[status].setdefault("headers", {}).update(answer["headers"])
    _document_lookup_body(schemas.get("LookupBody"), settings, llm_names)
    for review_body in ("ReviewBody", "QueueItemIn"):
        described = (schemas.get(review_body) or {}).get("properties", {}).get("description")
        if described is not None:
            described["maxLength"] = settings.max_description_chars
    add_links(schema.get("paths", {}))


def _document_lookup_body(
    body: dict[str, Any] | None, settings: Settings, llm_names: list[str]
) -> None:
    properties = (body or {}).get("properties", {})
    if "description" in properties:
        properties["description"]["maxLength"] = settings.max_description_chars
    if "fields" in properties:
        properties["fields"]["maxItems"] = settings.max_fields
    if "llm" in properties:
        properties["llm"]["anyOf"] = [{"type": "string", "enum": llm_names}, {"type": "null"}]
