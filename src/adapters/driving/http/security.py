"""Who may call `/api/…`: the API key, then the caller's rate, checked before the body is read."""

from __future__ import annotations

import asyncio
import logging

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from src.adapters.driving.http.errors import error_response
from src.domain.errors import FieldLookupError

log = logging.getLogger(__name__)

PROTECTED_PREFIX = "/api/"
"""Everything else (`/health`, `/docs`, `/openapi.json`, `/metrics`) stays open."""


def bearer_token(authorization: str | None) -> str | None:
    """The KEY of `Authorization: Bearer KEY`; None when the header is missing or of another scheme."""
    scheme, _, token = (authorization or "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


class ApiGuard:
    """ASGI middleware: a request under `/api/` must be admitted by the container's Admission
    (its API key, then its caller's rate) before the application sees it; otherwise it is
    answered from the error table (401, 429 with Retry-After, 503). CORS preflights pass:
    browsers send them without the key, and the CORS middleware outside answers them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] == "OPTIONS"
            or not scope["path"].startswith(PROTECTED_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        admission = scope["app"].state.container.admission
        presented = bearer_token(Headers(scope=scope).get("authorization"))
        client = scope.get("client")
        address = client[0] if client else "unknown"
        try:
            caller = admission.admit_without_storage(presented, address) or await asyncio.to_thread(
                admission.admit, presented, address
            )
        except FieldLookupError as error:
            response = error_response(error)
            if response.status_code >= 500:
                log.warning("%s %s: %s", scope["method"], scope["path"], error)
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)
