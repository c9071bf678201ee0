"""Request ids and structured JSON logs: one line per request, without the product text."""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter
from starlette.types import Message, Receive, Scope, Send

from src.adapters.driving.http.middleware import HttpMiddleware

request_id: ContextVar[str] = ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("lookup.access")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def json_log_handler(stream: TextIO | None = None) -> logging.Handler:
    """JSON lines on `stream` (stderr), each with the request id of the request that wrote it."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter("{asctime}{levelname}{name}{message}{request_id}", style="{")
    )
    handler.addFilter(RequestIdFilter())
    return handler


def configure_json_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr, each with the request id of the request that wrote it."""
    handler = json_log_handler()
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = True


class RequestIdMiddleware(HttpMiddleware):
    """Honours a well-formed X-Request-ID (or makes one), echoes it, and logs the request."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            request_id.reset(token)
