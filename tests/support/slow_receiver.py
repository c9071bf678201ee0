"""A webhook receiver on loopback that never finishes answering: it reads the request, sends a
status line, then one header line every `line_seconds`, for at most `for_at_most` seconds. It
records how long each connection was held before the client hung up."""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from socketserver import BaseRequestHandler, ThreadingTCPServer


@dataclass
class Held:
    url: str = ""
    requests: int = 0
    held_seconds: list[float] = field(default_factory=list)
    """Per connection, from the request to the client's hang-up."""
    requested: threading.Event = field(default_factory=threading.Event)
    hung_up: threading.Event = field(default_factory=threading.Event)


@contextmanager
def slow_receiver(line_seconds: float = 5.0, for_at_most: float = 60.0) -> Iterator[Held]:
    held = Held()
    stopping = threading.Event()

    class Handler(BaseRequestHandler):
        def handle(self) -> None:
            connection: socket.socket = self.request
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                data += chunk
            started = time.monotonic()
            held.requests += 1
            held.requested.set()
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            line = 0
            while not stopping.is_set() and time.monotonic() - started < for_at_most:
                readable, _, _ = select.select([connection], [], [], line_seconds)
                if readable and not _drained(connection):
                    held.held_seconds.append(time.monotonic() - started)
                    held.hung_up.set()
                    return
                if not readable:
                    line += 1
                    try:
                        connection.sendall(f"X-Still-Coming: {line}\r\n".encode())
                    except OSError:
                        held.held_seconds.append(time.monotonic() - started)
                        held.hung_up.set()
                        return

    server = ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    held.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield held
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()


def _drained(connection: socket.socket) -> bool:
    """Reads what the client sent after its request; False when it closed the connection."""
    try:
        return bool(connection.recv(65536))
    except OSError:
        return False
