"""A webhook receiver on loopback: a real HTTP server that fails the first `failures` POSTs
with a 500, then keeps what it receives. It counts every connection made to it, POST or not."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    failures: int
    attempts: int = 0
    connections: int = 0
    deliveries: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""
    port: int = 0
    arrived: threading.Event = field(default_factory=threading.Event)


@contextmanager
def webhook_receiver(failures: int = 0) -> Iterator[Received]:
    received = Received(failures)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received.attempts += 1
            if received.attempts <= received.failures:
                self.send_response(500)
            else:
                received.deliveries.append(({k.lower(): v for k, v in self.headers.items()}, body))
                received.arrived.set()
                self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def verify_request(self, request: object, client_address: object) -> bool:
            received.connections += 1
            return True

    server = Server(("127.0.0.1", 0), Handler)
    received.port = server.server_address[1]
    received.url = f"http://127.0.0.1:{received.port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
