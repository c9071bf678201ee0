"""Who may call `/api/…`: the API key, then the caller's rate, then (for a lookup or a new job)
its monthly token budget, checked before the body is read (the role each route needs is checked
by `route_roles.require_route_role`, once the route is known). What the request then spends is
charged to its key."""

from __future__ import annotations

import asyncio
import logging

from starlette._utils import get_route_path
from starlette.datastructures import Headers
from starlette.routing import compile_path
from starlette.types import Receive, Scope, Send

from src.adapters.driving.http.errors import error_response
from src.adapters.driving.http.middleware import HttpMiddleware
from src.domain.errors import FieldLookupError
from src.domain.usage.meter import charging
from src.domain.usage.model import Account

log = logging.getLogger(__name__)

OPEN_ROUTES = frozenset(
    {
        "/health",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/openapi.json",
        "/metrics",
        "/",
        "/page/{name}",
    }
)
"""The only routes answered without a key (the review page, `/` and its files, makes its own
calls to `/api/…` with the key); everything else is guarded, unknown paths included, so that a
route added later, or a path seen through a proxy's prefix, fails closed."""


_OPEN_PATTERNS = tuple(compile_path(route)[0] for route in OPEN_ROUTES)

SPENDING_ROUTES = frozenset(
    {"/api/product/fields/lookup", "/api/product/fields/lookup/stream", "/api/jobs"}
)
"""The POST routes that call a model, and so must fit in the key's monthly budget (a review
decision, say, spends nothing and is let in past it)."""


def is_open(scope: Scope) -> bool:
    """Whether the request is for an open route, matched as the router matches routes: each
    route's pattern compiled as Starlette compiles it, on the path without the `root_path`
    (`uvicorn --root-path /svc`) that the server puts in front of it."""
    path = get_route_path(scope)
    return any(pattern.match(path) for pattern in _OPEN_PATTERNS)


def bearer_token(authorization: str | None) -> str | None:
    """The KEY of `Authorization: Bearer KEY`; None when the header is missing or of another
    scheme."""
    scheme, _, token = (authorization or "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


class ApiGuard(HttpMiddleware):
    """ASGI middleware: a request for anything but an open route must be admitted by the
    container's Admission (its API key, then its caller's rate) before the application sees it;
    otherwise it is answered from the error table (401, 429 with Retry-After, 503). The admitted
    Caller is `request.state.caller`. CORS
    preflights pass: browsers send them without the key, and the CORS middleware outside
    answers them."""

    def lets_through(self, scope: Scope) -> bool:
        return super().lets_through(scope) or scope["method"] == "OPTIONS" or is_open(scope)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
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
        owner = caller.owner
        spends = scope["method"] == "POST" and get_route_path(scope) in SPENDING_ROUTES
        if spends and not await _within_budget(scope, receive, send, owner):
            return
        with charging(Account(owner)):
            await self.app(scope, receive, send)


async def _within_budget(scope: Scope, receive: Receive, send: Send, owner: str) -> bool:
    """Whether the key's monthly budget lets a lookup or a new job in; if not, it is answered
    429."""
    accounts = scope["app"].state.container.accounts
    if accounts.known_unlimited(owner):
        return True
    try:
        await asyncio.to_thread(accounts.check, owner)
    except FieldLookupError as error:
        await error_response(error)(scope, receive, send)
        return False
    return True
