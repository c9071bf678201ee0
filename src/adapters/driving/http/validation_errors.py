"""422 for a body, query or path that does not validate: where and why, never what was sent.

FastAPI's own handler echoes each error's `input` (the product text) and `ctx`; a text that
cannot be encoded (a lone surrogate) then turned the 422 into a 500 whose logged traceback held
the text. This one answers `{"detail": [{"loc", "msg", "type"}]}`, as the schema documents."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

_CLEARER = {
    "string_unicode": "the text is not valid Unicode (it holds a lone surrogate)",
}


def validation_error_item(error: dict[str, Any]) -> dict[str, Any]:
    """`error` (a pydantic error) as the API tells it: its location, message and type."""
    kind = str(error.get("type", "invalid_request"))
    return {
        "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
        "msg": _CLEARER.get(kind, str(error.get("msg", ""))),
        "type": kind,
    }


async def request_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return JSONResponse(
        {"detail": [validation_error_item(e) for e in error.errors()]}, status_code=422
    )
