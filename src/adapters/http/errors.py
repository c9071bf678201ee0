"""One table from domain errors to HTTP answers."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from src.domain.errors import (
    FieldLookupError,
    InvalidRequestError,
    StorageUnavailableError,
    UnknownLLMError,
)

log = logging.getLogger(__name__)

STATUS_OF: dict[type[FieldLookupError], int] = {
    InvalidRequestError: 422,
    StorageUnavailableError: 503,
}


def status_of(error: FieldLookupError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 500


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FieldLookupError)
    async def _domain_error(request: Request, error: FieldLookupError) -> JSONResponse:
        status = status_of(error)
        if isinstance(error, InvalidRequestError):
            kind = "unknown_llm" if isinstance(error, UnknownLLMError) else "invalid_request"
            body: object = [{"loc": list(error.location), "msg": str(error), "type": kind}]
        else:
            body = str(error)
        if status >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, error)
        return JSONResponse({"detail": body}, status_code=status)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)
