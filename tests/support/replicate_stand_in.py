"""A loopback stand-in of Replicate's predictions API: the endpoints the `replicate` client uses to
create a prediction (by model or by version), read it back, and cancel it.

A prediction answers as the real API does for a language model: its output is a list of string
tokens, its metrics count the input and output tokens. `script` says how the next predictions
behave; `received` keeps what each request carried, to check what the client sent.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    output: list[str] = field(default_factory=lambda: ['{"value":', ' "E27"', "}"])
    metrics: dict[str, Any] = field(
        default_factory=lambda: {"input_token_count": 412, "output_token_count": 9}
    )
    polls_before_done: int = 0
    """How many reads show the prediction still `processing`; -1 for never finishing."""
    final_status: str = "succeeded"
    error_status: int | None = None
    """Answer the creation with this HTTP status instead (with a problem-details body)."""
    error_headers: dict[str, str] = field(default_factory=dict)
    malformed_body: bytes | None = None
    """Answer the creation with 201 and these bytes instead of a prediction."""


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None


class ReplicateStandIn:
    def __init__(self) -> None:
        self.script = Script()
        self.received: list[Received] = []
        self._predictions: dict[str, dict[str, Any]] = {}
        self._polls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ReplicateStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def creations(self) -> list[Received]:
        return [r for r in self.received if r.method == "POST" and r.path.endswith("/predictions")]

    def _create(
        self, path: str, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        script = self.script
        if script.error_status is not None:
            problem = {
                "title": "stand-in error",
                "detail": f"status {script.error_status}",
                "status": script.error_status,
            }
            return script.error_status, problem, script.error_headers
        with self._lock:
            prediction_id = f"p{len(self._predictions) + 1}"
            model = path.removeprefix("/v1/models/").removesuffix("/predictions")
            prediction = {
                "id": prediction_id,
                "model": model if path != "/v1/predictions" else "stand/in",
                "version": body.get("version", "v1"),
                "input": body.get("input"),
                "status": "starting",
                "output": None,
                "logs": "",
                "error": None,
                "metrics": {},
                "created_at": "2024-01-01T00:00:00Z",
                "started_at": None,
                "completed_at": None,
                "urls": {
                    "get": f"{self.base_url}/v1/predictions/{prediction_id}",
                    "cancel": f"{self.base_url}/v1/predictions/{prediction_id}/cancel",
                },
            }
            self._predictions[prediction_id] = prediction
            self._polls[prediction_id] = script.polls_before_done
            return 201, self._advance(prediction_id), {}

    def _advance(self, prediction_id: str) -> dict[str, Any]:
        prediction = self._predictions[prediction_id]
        if prediction["status"] in ("succeeded", "failed", "canceled"):
            return prediction
        remaining = self._polls[prediction_id]
        if remaining != 0:
            self._polls[prediction_id] = remaining - 1 if remaining > 0 else -1
            prediction["status"] = "processing"
            return prediction
        prediction["status"] = self.script.final_status
        if self.script.final_status == "succeeded":
            prediction["output"] = list(self.script.output)
            prediction["metrics"] = dict(self.script.metrics)
        else:
            prediction["error"] = "CUDA out of memory"
        return prediction

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                self._record(body)
                if self.path.endswith("/cancel"):
                    prediction_id = self.path.split("/")[-2]
                    with stand_in._lock:
                        stand_in._predictions[prediction_id]["status"] = "canceled"
                        self._reply(200, stand_in._predictions[prediction_id])
                    return
                if stand_in.script.malformed_body is not None:
                    self._reply_bytes(201, stand_in.script.malformed_body)
                    return
                status, payload, headers = stand_in._create(self.path, body)
                self._reply(status, payload, headers)

            def do_GET(self) -> None:
                self._record(None)
                prediction_id = self.path.rsplit("/", 1)[-1]
                with stand_in._lock:
                    if prediction_id not in stand_in._predictions:
                        self._reply(404, {"title": "not found", "status": 404})
                        return
                    self._reply(200, stand_in._advance(prediction_id))

            def _record(self, body: dict[str, Any] | None) -> None:
                stand_in.received.append(
                    Received(self.command, self.path, dict(self.headers.items()), body)
                )

            def _reply(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                self._reply_bytes(status, json.dumps(payload).encode(), headers)

            def _reply_bytes(
                self, status: int, data: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler
