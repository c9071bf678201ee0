"""The API for a serverless platform (Vercel): a module-level ASGI app that builds the service
on its first request, since such platforms import a module and may never send lifespan events.

Nothing is built at import time; the container, wired from the environment as `make run` wires
it, lives as long as the function instance.
"""

from __future__ import annotations

import threading

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from src.adapters.driving.http.app import create_app
from src.adapters.driving.http.observability import configure_json_logging
from src.bootstrap import bootstrap


class LazyApp:
    """An ASGI app that is the API once its first request (or lifespan event) arrives."""

    def __init__(self) -> None:
        self._app: FastAPI | None = None
        self._building = threading.Lock()

    @property
    def is_built(self) -> bool:
        return self._app is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.built()(scope, receive, send)

    def built(self) -> FastAPI:
        with self._building:
            if self._app is None:
                configure_json_logging()
                self._app = create_app(bootstrap())
            return self._app
