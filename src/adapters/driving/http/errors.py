"""One table from domain errors to HTTP answers."""

from __future__ import annotations

import logging
import math

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from src.adapters.driving.http.allowed_methods import allowed_methods
from src.adapters.driving.http.validation_errors import request_validation_error
from src.domain.errors import (
    AuthenticationError,
    ConfigurationError,
    FieldLookupError,
    ForbiddenError,
    InvalidRequestError,
    JobNotFoundError,
    NotFoundError,
    RateLimitedError,
    StorageUnavailableError,
    UnknownLLMError,
)

log = logging.getLogger(__name__)

STATUS_OF: dict[type[FieldLookupError], int] = {
    InvalidRequestError: 422,
    AuthenticationError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    RateLimitedError: 429,
    JobNotFoundError: 404,
    StorageUnavailableError: 503,
    ConfigurationError: 500,
}


def status_of(error: FieldLookupError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 500


def public_detail(error: FieldLookupError) -> str:
    """What a client is told of a failure on our side: its first clause ("the database is
    unavailable"), not the driver's words after it (hosts, ports), which only the log keeps."""
    return str(error).split(": ", 1)[0]


def error_response(error: FieldLookupError) -> JSONResponse:
    """The answer to `error`: the status of the table, `{"detail": …}`, and the headers its
    status calls for (`WWW-Authenticate` with a 401, `Retry-After` with a 429)."""
    status = status_of(error)
    if isinstance(error, InvalidRequestError):
        kind = "unknown_llm" if isinstance(error, UnknownLLMError) else "invalid_request"
        body: object = [{"loc": list(error.location), "msg": str(error), "type": kind}]
    else:
        body = public_detail(error) if status >= 500 else str(error)
    headers = {}
    if isinstance(error, AuthenticationError):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, RateLimitedError):
        headers["Retry-After"] = str(max(1, math.ceil(error.retry_after)))
    return JSONResponse({"detail": body}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """The table's answers, 422s without the input, and FastAPI's own for the rest; an
    unexpected error is answered by UnexpectedErrorMiddleware, inside the request id."""
    app.add_exception_handler(RequestValidationError, request_validation_error)

    @app.exception_handler(FieldLookupError)
    async def _domain_error(request: Request, error: FieldLookupError) -> JSONResponse:
        response = error_response(error)
        if response.status_code >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, error)
        return response

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, error: HTTPException) -> Response:
        # FastAPI answers 400 to a body that is not UTF-8; it is malformed JSON like any other.
        if error.status_code == 400 and isinstance(error.__cause__, UnicodeDecodeError):
            body = [
                {
                    "loc": ["body"],
                    "msg": "the body is not UTF-8 encoded JSON",
                    "type": "json_invalid",
                }
            ]
            return JSONResponse({"detail": body}, status_code=422)
        if error.status_code == 400 and request.headers.get("content-type", "").startswith(
            "multipart/"
        ):
            body = [
                {
                    "loc": ["body"],
                    "msg": f"the body is not valid multipart/form-data: {error.detail}",
                    "type": "multipart_invalid",
                }
            ]
            return JSONResponse({"detail": body}, status_code=422)
        if error.status_code == 405:
            headers = dict(error.headers or {})
            error.headers = {**headers, "Allow": allowed_methods(request, headers.get("Allow", ""))}
        return await http_exception_handler(request, error)
