"""The lookup endpoints and the catalogue's reads (LLMs, fields, health, metrics): thin, each
parses, calls one service and renders."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from src.adapters.driving.http import budget_holds
from src.adapters.driving.http.dependencies import ContainerDep
from src.adapters.driving.http.errors import public_detail
from src.adapters.driving.http.lookup_schemas import LookupDetail
from src.adapters.driving.http.schemas import (
    NO_NUL,
    FieldOut,
    HealthOut,
    JSONValue,
    LLMsOut,
    LookupBody,
    MessageOut,
    ValidationErrorOut,
)
from src.adapters.driving.http.streaming import ndjson_lines
from src.domain.errors import StorageUnavailableError
from src.domain.model import Field, FieldOutcome, LookupRequest, LookupResult

router = APIRouter()

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationErrorOut, "description": "Invalid body, or an unknown LLM"},
    503: {"model": MessageOut, "description": "The database is unavailable"},
}


@router.post(
    "/api/product/fields/lookup",
    response_model=dict[str, JSONValue] | LookupDetail,
    responses=_ERRORS,
    summary="Look up the values of a product's fields",
)
async def lookup(
    body: LookupBody,
    request: Request,
    container: ContainerDep,
    detail: bool = Query(False, description="Per field: value, status, raw output and timing."),
) -> LookupDetail | JSONResponse:
    """Answers `{code: value or null}`; with `detail=true`, why each value is what it is."""
    asked = LookupRequest(body.description, tuple(body.fields), body.llm, trust=detail)
    held = await budget_holds.hold(request, container, asked)
    try:
        result = await container.lookup.lookup_async(asked)
    finally:
        await budget_holds.settle(container, held)
    if detail:
        return LookupDetail.of(result)
    return JSONResponse(result.values())  # typed values already: no model to validate them by


@router.post(
    "/api/product/fields/lookup/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"application/x-ndjson": {}},
            "description": "One JSON line per field as soon as it is known "
            '(`{"field", "value", "status", "raw", "elapsed_ms", ..., '
            '"evidence", "verbatim", "confidence", '
            '"review"}`: the field name and a `FieldDetail`), then a summary line '
            '(`{"summary": true, "llm", "elapsed_ms", "usage", "values", "statuses"}`).',
        },
        **_ERRORS,
    },
    summary="Look up a product's fields, streaming each value as it arrives",
)
async def lookup_stream(
    body: LookupBody, request: Request, container: ContainerDep
) -> StreamingResponse:
    asked = LookupRequest(body.description, tuple(body.fields), body.llm)
    held = await budget_holds.hold(request, container, asked)
    events = container.lookup.stream(asked)
    try:
        first = await anext(events)  # errors in the request (an unknown LLM) answer 422 first
    except BaseException:
        await budget_holds.settle(container, held)
        raise

    async def replay() -> AsyncIterator[FieldOutcome | LookupResult]:
        try:
            yield first
            async for event in events:
                yield event
        finally:
            await budget_holds.settle(container, held)

    return StreamingResponse(ndjson_lines(replay()), media_type="application/x-ndjson")


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus metrics"}},
    include_in_schema=True,
)
def metrics(container: ContainerDep) -> Response:
    """Lookups and field outcomes by status and LLM, backend latency, tokens, cache hits."""
    return Response(container.metrics.render(), media_type="text/plain; version=0.0.4")


@router.get("/api/llms", response_model=LLMsOut)
def llms(container: ContainerDep) -> LLMsOut:
    """The configured LLM names, the default first."""
    return LLMsOut(default=container.llms.default, llms=container.llms.names())


@router.get("/api/fields", response_model=list[FieldOut], responses={503: _ERRORS[503]})
def fields(container: ContainerDep) -> list[FieldOut]:
    """Every known field, ordered by code."""
    return [_field_out(field) for field in container.fields.list_all()]


@router.get(
    "/api/fields/{code}",
    response_model=FieldOut,
    responses={404: {"model": MessageOut, "description": "No such field"}, 503: _ERRORS[503]},
)
def field(code: Annotated[str, Path(pattern=NO_NUL)], container: ContainerDep) -> FieldOut:
    found = container.fields.get(code)
    if found is None:
        raise HTTPException(404, f"no field {code!r}")
    return _field_out(found)


@router.get(
    "/health",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "The database does not answer"}},
)
async def health(container: ContainerDep) -> HealthOut | JSONResponse:
    """Whether the service can answer: the database is checked."""
    try:
        await asyncio.to_thread(container.health.check)
    except StorageUnavailableError as error:
        return JSONResponse(
            {"status": "unavailable", "database": public_detail(error)}, status_code=503
        )
    return HealthOut(status="ok", database="ok")


def _field_out(field: Field) -> FieldOut:
    return FieldOut(
        code=field.code,
        label=field.label,
        type=field.type.value,
        options=list(field.options),
        unit=field.unit,
        description=field.description,
        extract=field.extract,
        multiple=field.multiple,
    )
