"""The last resort: a 500 for an error nothing else handled, logged without its message.

Inside the request-id middleware, so the answer carries `X-Request-ID` and the log line its
`request_id`. The log says which error and where (its traceback's frames), never the error's
words, which may quote the product text; the error is not raised again, so the server does not
log it a second time with them."""

from __future__ import annotations

import logging
import traceback

from fastapi.responses import JSONResponse
from starlette._utils import get_route_path
from starlette.types import Message, Receive, Scope, Send

from src.adapters.driving.http.middleware import HttpMiddleware

log = logging.getLogger(__name__)


def where_it_failed(error: BaseException) -> str:
    """The error's class and the frames of its traceback (file, line, function, source line),
    and those of the errors it was raised from, without any error's message."""
    parts = []
    current: BaseException | None = error
    while current is not None:
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        parts.append(f"{type(current).__module__}.{type(current).__qualname__}\n{frames}")
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return "raised from ".join(reversed(parts))


class UnexpectedErrorMiddleware(HttpMiddleware):
    """Logs where an error no handler caught was raised (never its message) and answers 500,
    when the response has not started."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watching(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except Exception as error:
            log.error(
                "%s %s failed: %s", scope["method"], get_route_path(scope), where_it_failed(error)
            )
            if not started:
                await JSONResponse({"detail": "internal error"}, status_code=500)(
                    scope, receive, send
                )
