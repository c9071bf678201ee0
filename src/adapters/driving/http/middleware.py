"""The shape of this edge's ASGI middlewares: HTTP requests are handled, anything else (the
lifespan, or what a middleware lets through) goes on to the application untouched."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class HttpMiddleware:
    """An ASGI middleware around `app` whose `handle` sees the HTTP requests it does not let
    through (`lets_through`: every scope that is not HTTP)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.lets_through(scope):
            await self.app(scope, receive, send)
        else:
            await self.handle(scope, receive, send)

    def lets_through(self, scope: Scope) -> bool:
        kind: str = scope["type"]
        return kind != "http"

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError
